package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Kernel;
import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.RmsNormDesc;
import dev.normkit.RmsNormKernel;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Bad arguments are rejected in Java, naming the argument, before oneDNN sees them; closed kernels refuse to run. */
class OneDnnKernelArgumentsTest {

    private static final Backend ONEDNN = Backends.get("onednn");
    private static final Shape SHAPE = Shape.of(4, 16);
    private static final int N = 64;

    private static MemorySegment data() {
        return Placement.NATIVE.of(Expect.uniform(41, N, -1, 1));
    }

    private static MemorySegment floats(int n) {
        return Placement.NATIVE.of(Expect.uniform(42, n, 0.5, 1.5));
    }

    @Test
    void aTooSmallNativeSegmentIsRejectedNamingTheArgumentAndTheKernelStillRuns() {
        try (LayerNormKernel kernel = ONEDNN.create(LayerNormDesc.of(SHAPE))) {
            // 63 floats where 64 are read: oneDNN would read past the end; Java must refuse first.
            MemorySegment shortSrc = Arena.ofAuto().allocate(4L * (N - 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.forward(shortSrc, data(), floats(16), floats(16)));
            assertTrue(e.getMessage().startsWith("src: needs 64 floats"), e.getMessage());

            MemorySegment shortRstd = Arena.ofAuto().allocate(4L * 3);
            e = assertThrows(IllegalArgumentException.class, () -> kernel.forwardTraining(data(), data(), floats(16),
                    floats(16), floats(4), shortRstd));
            assertTrue(e.getMessage().startsWith("rstd: needs 4 floats"), e.getMessage());

            MemorySegment dst = Placement.NATIVE.unwritten(N);
            kernel.forward(data(), dst, floats(16), floats(16));
            assertTrue(Float.isFinite(Placement.read(dst)[N - 1]), "the kernel runs after a rejected call");
        }
    }

    @Test
    void aTooSmallHeapSegmentIsRejectedBeforeAnyCopy() {
        try (SoftmaxKernel kernel = ONEDNN.create(SoftmaxDesc.of(SHAPE))) {
            float[] dst = new float[N - 1];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.forward(new float[N], dst));
            assertTrue(e.getMessage().startsWith("dst: needs 64 floats"), e.getMessage());
        }
    }

    @Test
    void optionalArgumentsMustMatchTheDescriptor() {
        try (RmsNormKernel kernel = ONEDNN.create(RmsNormDesc.of(SHAPE).withScale(false))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.forward(data(), data(), floats(16)));
            assertEquals("scale: must be null because the descriptor has useScale off", e.getMessage());
        }
        try (LayerNormKernel kernel = ONEDNN.create(LayerNormDesc.of(SHAPE))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.backward(data(), data(), floats(16), floats(4), floats(4), data(), floats(16), null));
            assertTrue(e.getMessage().startsWith("diffShift: must not be null"), e.getMessage());
        }
    }

    @Test
    void aReadOnlyOutputIsRejected() {
        try (ActivationKernel kernel = ONEDNN.create(ActivationDesc.of(Activation.GELU_TANH, SHAPE))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.forward(data(), data().asReadOnly()));
            assertEquals("dst: is an output and must not be read-only", e.getMessage());
        }
    }

    @Test
    void backwardFromDstIsRefusedWhereTheOutputCannotTellTheInputsSign() {
        try (ActivationKernel kernel = ONEDNN.create(ActivationDesc.of(Activation.LEAKY_RELU, SHAPE).withAlpha(-0.5f))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> kernel.backwardFromDst(data(), data(), data()));
            assertTrue(e.getMessage().contains("has no backward from dst"), e.getMessage());
        }
    }

    @Test
    void aNativeSegmentWhoseArenaIsClosedIsRefusedWithoutReachingOneDnn() {
        try (ActivationKernel kernel = ONEDNN.create(ActivationDesc.of(Activation.RELU, SHAPE))) {
            Arena arena = Arena.ofConfined();
            MemorySegment src = arena.allocate(4L * N);
            arena.close();
            assertThrows(IllegalStateException.class, () -> kernel.forward(src, data()));
            MemorySegment dst = Placement.NATIVE.unwritten(N);
            kernel.forward(data(), dst);
            assertTrue(Float.isFinite(Placement.read(dst)[0]), "the kernel runs after a refused call");
        }
    }

    /** Every kernel kind, created and closed, with a valid run of it. */
    private static List<ClosedRun> closedKernels() {
        LayerNormKernel ln = ONEDNN.create(LayerNormDesc.of(SHAPE));
        RmsNormKernel rms = ONEDNN.create(RmsNormDesc.of(SHAPE));
        SoftmaxKernel softmax = ONEDNN.create(SoftmaxDesc.of(SHAPE));
        ActivationKernel silu = ONEDNN.create(ActivationDesc.of(Activation.SILU, SHAPE));
        List<ClosedRun> runs = List.of(
                new ClosedRun(ln, k -> ln.forward(data(), data(), floats(16), floats(16))),
                new ClosedRun(ln, k -> ln.forwardTraining(data(), data(), floats(16), floats(16), floats(4),
                        floats(4))),
                new ClosedRun(ln, k -> ln.backward(data(), data(), floats(16), floats(4), floats(4), data(),
                        floats(16), floats(16))),
                new ClosedRun(rms, k -> rms.forward(data(), data(), floats(16))),
                new ClosedRun(rms, k -> rms.forwardTraining(data(), data(), floats(16), floats(4))),
                new ClosedRun(rms, k -> rms.backward(data(), data(), floats(16), floats(4), data(), floats(16))),
                new ClosedRun(softmax, k -> softmax.forward(data(), data())),
                new ClosedRun(softmax, k -> softmax.backward(data(), data(), data())),
                new ClosedRun(silu, k -> silu.forward(data(), data())),
                new ClosedRun(silu, k -> silu.backward(data(), data(), data())));
        for (Kernel k : List.of(ln, rms, softmax, silu)) {
            k.close();
            k.close(); // twice is harmless
        }
        return runs;
    }

    private record ClosedRun(Kernel kernel, Consumer<Kernel> run) {}

    @Test
    void everyRunOfAClosedKernelThrows() {
        for (ClosedRun r : closedKernels()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.run.accept(r.kernel));
            assertEquals(r.kernel.desc().kernelName() + " kernel on the onednn path is closed", e.getMessage());
        }
    }

    @Test
    void argumentsAreCheckedBeforeAnythingElseEvenOnAClosedKernel() {
        SoftmaxKernel kernel = ONEDNN.create(SoftmaxDesc.of(SHAPE));
        kernel.close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.forward(null, data()));
        assertTrue(e.getMessage().startsWith("src: must not be null"), e.getMessage());
    }
}
