package dev.normkit.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.normkit.BackendStatus;
import dev.normkit.Backends;
import dev.normkit.Shape;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark of one call on several threads: what it runs, and its check of oneDNN's OpenMP count. */
class ThreadsPerCallTest {

    /** 262,144 floats: over the cut-off, so 16 chunks. */
    private static final Shape SHAPE = Shape.of(512, 512);

    @Test
    void twoThreadsWriteTheOneThreadBitsOnTheVectorPath() {
        Map<String, float[]> one = outputs(BenchPath.VECTOR_ARRAY, 1);
        Map<String, float[]> two = outputs(BenchPath.VECTOR_ARRAY, 2);
        assertEquals(one.keySet(), two.keySet());
        // layer norm backward's diffSrc does not cross rows: the plain kernel's bits on every chunk but the first rows
        float[] e = one.get("diffSrc"), g = two.get("diffSrc");
        for (int i = 0; i < e.length; i++) assertEquals(e[i], g[i], 1e-6f * (1 + Math.abs(e[i])), "diffSrc " + i);
        try (Workload a = Workload.open(KernelId.LAYER_NORM, Direction.BACKWARD, SHAPE, BenchPath.VECTOR, 2);
                Workload b = Workload.open(KernelId.LAYER_NORM, Direction.BACKWARD, SHAPE, BenchPath.VECTOR, 3)) {
            a.run();
            b.run();
            a.outputs().forEach((k, v) -> assertArrayEquals(v, b.outputs().get(k), k + ": 2 vs 3 threads"));
            assertTrue(a.describe().contains("2 threads per call"), a.describe());
        }
    }

    @Test
    void onednnRunsTheOpenMpCountAskedFor() {
        assumeTrue(Backends.status().stream().filter(s -> s.name().equals("onednn"))
                .allMatch(BackendStatus::available), "onednn unavailable here");
        try (Workload w = Workload.open(KernelId.LAYER_NORM, Direction.FORWARD, SHAPE, BenchPath.ONEDNN, 2)) {
            assertTrue(w.describe().contains("2 OpenMP threads"), w.describe());
            w.run();
            OneDnnThreads.requireRan(2);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> OneDnnThreads.requireRan(3));
            assertTrue(e.getMessage().startsWith("threads: oneDNN ran with 2"), e.getMessage());
        }
    }

    private static Map<String, float[]> outputs(BenchPath path, int threads) {
        try (Workload w = Workload.open(KernelId.LAYER_NORM, Direction.BACKWARD, SHAPE, path, threads)) {
            w.run();
            return w.outputs();
        }
    }
}
