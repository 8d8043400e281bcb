package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.Shape;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * A kernel holds native staging memory for heap arguments only once a heap argument has arrived: a caller who passes
 * native segments never pays for it.
 */
class OneDnnStagingTest {

    private static final Backend ONEDNN = Backends.get("onednn");

    private static long stagingBytes(Object kernel) {
        return ((OneDnnKernel) kernel).stagingBytes();
    }

    @Test
    void aLargeLayerNormHoldsNoStagingMemoryWhenCreated() {
        // Staged eagerly, its buffers were three 256 MiB tensors, three rows of parameters and the mean.
        try (LayerNormKernel ln = ONEDNN.create(LayerNormDesc.of(Shape.of(16384, 4096)))) {
            assertEquals(0, stagingBytes(ln));
        }
    }

    @Test
    void layerNormStagesOnlyWhatTheFirstHeapCallNeeds() {
        int rows = 3, cols = 40, n = rows * cols;
        float[] x = Expect.uniform(1, n, -1, 1);
        float[] gamma = Expect.uniform(2, cols, 0.5, 1.5);
        float[] beta = Expect.uniform(3, cols, -0.5, 0.5);
        try (LayerNormKernel ln = ONEDNN.create(LayerNormDesc.of(Shape.of(rows, cols)))) {
            MemorySegment dst = Placement.NATIVE.unwritten(n);
            ln.forward(Placement.NATIVE.of(x), dst, Placement.NATIVE.of(gamma), Placement.NATIVE.of(beta));
            assertEquals(0, stagingBytes(ln), "native arguments are used in place");

            float[] heapDst = new float[n];
            ln.forward(x, heapDst, gamma, beta);
            assertEquals((2L * n + 2L * cols) * Float.BYTES, stagingBytes(ln), "src, dst, gamma and beta");
            assertArrayEquals(Placement.read(dst), heapDst, "the same result through staging");

            ln.forward(x, heapDst, gamma, beta);
            assertEquals((2L * n + 2L * cols) * Float.BYTES, stagingBytes(ln), "kept, not allocated again");
        }
    }

    @Test
    void anActivationStagesOnlyTheHeapArgumentsOfACall() {
        int n = 1000;
        float[] x = Expect.uniform(4, n, -3, 3);
        try (ActivationKernel relu = ONEDNN.create(ActivationDesc.of(Activation.RELU, Shape.of(n)))) {
            assertEquals(0, stagingBytes(relu));
            MemorySegment nativeDst = Placement.NATIVE.unwritten(n);
            relu.forward(MemorySegment.ofArray(x), nativeDst);
            assertEquals((long) n * Float.BYTES, stagingBytes(relu), "a heap src, a native dst: src only");
            float[] dst = new float[n];
            relu.forward(x, dst);
            assertEquals(2L * n * Float.BYTES, stagingBytes(relu));
            assertArrayEquals(Placement.read(nativeDst), dst);
        }
    }
}
