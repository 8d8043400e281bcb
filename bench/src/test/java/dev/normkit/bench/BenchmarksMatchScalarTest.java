package dev.normkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.normkit.BackendStatus;
import dev.normkit.Backends;
import dev.normkit.Shape;
import dev.normkit.Support;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every benchmark method's body once on a small shape and checks what it wrote against the scalar path, so a fast
 * benchmark of a wrong kernel (or of the wrong tensors) cannot go unnoticed. Paths that cannot run here are skipped
 * with the reason.
 */
class BenchmarksMatchScalarTest {

    /** Rows of 67: a tail after every vector width (4, 8, 16 floats). */
    private static final String SHAPE = "5x67";

    /** Far above float rounding differences between paths, far below any real mistake on N(0, 1) data. */
    private static final double ABS = 1e-5;
    private static final double REL = 1e-4;

    static Stream<Arguments> kernelDirectionsOnFastPaths() {
        List<Arguments> cases = new ArrayList<>();
        for (KernelId k : KernelId.values()) {
            for (Direction d : k.directions()) {
                for (BenchPath p : List.of(BenchPath.SCALAR_ARRAY, BenchPath.VECTOR, BenchPath.VECTOR_ARRAY,
                        BenchPath.ONEDNN, BenchPath.ONEDNN_ARRAY)) {
                    cases.add(Arguments.of(k, d, p));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> kernelDirections() {
        return kernelDirectionsOnFastPaths().filter(a -> a.get()[2] == BenchPath.VECTOR)
                .map(a -> Arguments.of(a.get()[0], a.get()[1]));
    }

    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("kernelDirectionsOnFastPaths")
    void benchmarkBodyWritesWhatTheScalarPathWrites(KernelId kernel, Direction direction, BenchPath path) {
        assumeRuns(path, kernel);
        Map<String, float[]> expected = runBenchmarkOnce(kernel, direction, BenchPath.SCALAR);
        Map<String, float[]> got = runBenchmarkOnce(kernel, direction, path);

        assertEquals(expected.keySet(), got.keySet(), "output tensors");
        for (String name : expected.keySet()) {
            float[] e = expected.get(name);
            float[] g = got.get(name);
            assertEquals(e.length, g.length, name + " length");
            for (int i = 0; i < e.length; i++) {
                double diff = Math.abs((double) g[i] - e[i]);
                int at = i;
                assertTrue(diff <= ABS + REL * Math.abs(e[i]), () -> kernel + " " + direction + " on " + path + ": "
                        + name + "[" + at + "] = " + g[at] + ", scalar path gives " + e[at]);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernelDirections")
    void scalarBenchmarkBodyWritesEveryOutputWithFiniteValues(KernelId kernel, Direction direction) {
        Map<String, float[]> out = runBenchmarkOnce(kernel, direction, BenchPath.SCALAR);
        assertTrue(!out.isEmpty(), "a benchmark must write something");
        for (Map.Entry<String, float[]> e : out.entrySet()) {
            boolean anyNonZero = false;
            for (float v : e.getValue()) {
                assertTrue(Float.isFinite(v), () -> e.getKey() + " has a non-finite value on N(0,1) inputs");
                anyNonZero |= v != 0f;
            }
            assertTrue(anyNonZero, e.getKey() + " was left all zero");
        }
    }

    @Test
    void copyRoofBodyComputesAffineMapOfSource() {
        CopyRoofBench b = new CopyRoofBench();
        b.shape = SHAPE;
        b.setUp();
        try {
            b.copy();
            float[] src = b.tensors().read("src");
            float[] dst = b.tensors().read("dst");
            assertEquals(Shape.parse(SHAPE).elementCount(), dst.length);
            for (int i = 0; i < src.length; i++) {
                assertEquals(Math.fma(CopyRoofBench.A, src[i], CopyRoofBench.B), dst[i], 0f, "dst[" + i + "]");
            }
        } finally {
            b.tearDown();
        }
    }

    private static Map<String, float[]> runBenchmarkOnce(KernelId kernel, Direction direction, BenchPath path) {
        KernelBench b = new KernelBench();
        b.kernel = kernel.label();
        b.direction = direction.label();
        b.path = path.label();
        b.shape = SHAPE;
        b.setUp();
        try {
            b.run();
            assertEquals(path.backend(), b.workload().ranPath(), "path that ran");
            return b.workload().outputs();
        } finally {
            b.tearDown();
        }
    }

    private static void assumeRuns(BenchPath path, KernelId kernel) {
        for (BackendStatus s : Backends.status()) {
            if (s.name().equals(path.backend())) {
                assumeTrue(s.available(), () -> path + " unavailable here: " + s.detail());
            }
        }
        Support support = Backends.get(path.backend()).support(kernel.desc(Shape.parse(SHAPE)));
        assumeTrue(support.supported(), () -> path + " does not run " + kernel + ": " + support.reason());
    }
}
