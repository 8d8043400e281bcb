package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.Backend;
import dev.normkit.BackendStatus;
import dev.normkit.BackendUnavailableException;
import dev.normkit.Backends;
import dev.normkit.LayerNormDesc;
import dev.normkit.Shape;
import dev.normkit.Support;
import dev.normkit.UnsupportedKernelException;
import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.OpenMpThreads;
import dev.normkit.onednn.dnnl.DnnlInfo;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OneDnnBackendTest {

    @Test
    void backendsFindsTheOnednnPathAndItsStatusNamesVersionIsaAndThreads() {
        Backend onednn = Backends.get("onednn");
        assertInstanceOf(OneDnnBackend.class, onednn);
        assertEquals("onednn", onednn.name());
        BackendStatus status = Backends.status().stream().filter(s -> s.name().equals("onednn")).findFirst()
                .orElseThrow();
        assertTrue(status.available(), status.detail());
        assertEquals("oneDNN " + DnnlInfo.version() + ", " + DnnlInfo.cpuIsa() + ", 1 OpenMP thread",
                status.detail());
        assertTrue(status.detail().startsWith("oneDNN 3.13."), status.detail());
    }

    @Test
    void theDefaultPathIsNeverOnednnUnlessForced() {
        assumeTrue(System.getProperty(Backends.FORCE_PROPERTY) == null, "a path is forced in this JVM");
        assertNotEquals("onednn", Backends.defaultBackend().name());
    }

    /** The activations oneDNN's eltwise primitive has no algorithm for (with their default parameters). */
    static final Set<Activation> NOT_IN_ONEDNN = EnumSet.of(Activation.LEAKY_HARDTANH,
            Activation.LEAKY_HARDTANH_INVERSE, Activation.HARDSHRINK, Activation.SOFTSHRINK, Activation.SELU,
            Activation.CELU, Activation.TANHSHRINK, Activation.SOFTSIGN,
            // in oneDNN, but accurate only in absolute terms (OneDnnTailAccuracyTest)
            Activation.SOFTPLUS, Activation.LOG_SIGMOID, Activation.MISH, Activation.LOG);

    @Test
    void supportSaysYesForTheActivationsOneDnnHasAndNoWithTheReasonForTheOthers() {
        Backend onednn = Backends.get("onednn");
        for (Activation a : Activation.values()) {
            Support support = onednn.support(ActivationDesc.of(a, Shape.of(3, 5)));
            if (NOT_IN_ONEDNN.contains(a)) {
                assertFalse(support.supported(), a.kernelName());
                assertTrue(support.reason().contains(a.kernelName()), support.reason());
            } else {
                assertTrue(support.supported(), a.kernelName() + ": " + support.reason());
            }
        }
    }

    @Test
    void whatOneDnnRefusesIsUnsupportedWithItsReasonNotAnErrorAtRun() {
        // oneDNN 3.13 refuses a memory descriptor whose outer dimension reaches 2^31 (nothing is allocated here).
        LayerNormDesc huge = LayerNormDesc.of(Shape.of(1L << 31, 2));
        Backend onednn = Backends.get("onednn");
        Support support = onednn.support(huge);
        assertFalse(support.supported());
        assertTrue(support.reason().contains("invalid_arguments"), support.reason());
        UnsupportedKernelException e = assertThrows(UnsupportedKernelException.class, () -> onednn.create(huge));
        assertEquals("onednn path cannot run layer_norm on 2147483648x2: " + support.reason(), e.getMessage());
    }

    @Test
    void threadCountPropertyDefaultsToOneAndRejectsAnythingButAPositiveInteger() {
        assertEquals(1, OneDnnThreads.parse(null));
        assertEquals(1, OneDnnThreads.parse(" "));
        assertEquals(4, OneDnnThreads.parse(" 4 "));
        for (String bad : new String[] {"0", "-2", "two", "1.5"}) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> OneDnnThreads.parse(bad));
            assertEquals("normkit.onednn.threads: expected a positive integer (OpenMP threads), got '" + bad + "'",
                    e.reason());
        }
    }

    @Test
    void aKernelRunOnAnotherThreadUsesThePathsThreadCountThere() throws InterruptedException {
        OneDnnBackend onednn = (OneDnnBackend) Backends.get("onednn");
        OpenMpThreads openMp = OneDnnLibrary.openMp().orElseThrow();
        AtomicInteger before = new AtomicInteger();
        AtomicInteger after = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ActivationKernel relu = onednn.create(ActivationDesc.of(Activation.RELU, Shape.of(64)))) {
            Thread runner = new Thread(() -> {
                try {
                    // libgomp keeps the count per thread: give this one another count than the path's first.
                    openMp.setNumThreads(onednn.threads() + 1);
                    before.set(openMp.maxThreads());
                    relu.forward(new float[64], new float[64]);
                    after.set(openMp.maxThreads());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            runner.start();
            runner.join();
        }
        assertEquals(null, failure.get());
        assertEquals(onednn.threads() + 1, before.get());
        assertEquals(onednn.threads(), after.get(), "the run must set the running thread's OpenMP count");
    }
}
