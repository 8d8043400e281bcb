package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One call on several threads (issue 10): the same bits for every thread count, the plain kernel's bits wherever no
 * reduction crosses chunks, and helpers that actually run.
 */
class ParallelKernelTest {

    private static final int[] THREADS = {2, 3, 4, 7};

    /**
     * Activations whose vector functions use only exactly rounded operations (compare, blend, add, multiply, fma,
     * divide, sqrt): their bits do not depend on the JIT tier.
     */
    static final Set<Activation> EXACT_ON_EVERY_TIER = EnumSet.of(Activation.RELU, Activation.LEAKY_RELU,
            Activation.RELU6, Activation.HARDTANH, Activation.LEAKY_HARDTANH, Activation.LEAKY_HARDTANH_INVERSE,
            Activation.HARDSIGMOID, Activation.HARDSWISH, Activation.HARDSHRINK, Activation.SOFTSHRINK,
            Activation.ABS, Activation.LINEAR, Activation.CLIP, Activation.CLIP_V2, Activation.ROUND, Activation.SQRT,
            Activation.SQUARE, Activation.SOFTSIGN);

    /**
     * Outputs whose bits depend on the JIT tier, not on threads: on the vector path the activations built on the
     * Vector API's exp, expm1, log, log1p, tanh or pow operators (all but {@link #EXACT_ON_EVERY_TIER}), which are
     * Math.exp (and so on) per lane until C2 compiles them to SVML, up to an ulp apart (as RepeatableResultsTest and
     * JitTierTest say). Softmax and log-softmax take VectorMath.expRepeatable and Math.log, the same on every tier.
     * Two runs in one JVM may straddle that compilation, so these are held to {@link #assertTierClose} instead of
     * equal bits.
     */
    static boolean tierDependent(String path, String output) {
        if (!path.equals("vector")) return false;
        String kernel = output.split(" ")[0];
        for (Activation a : Activation.values()) {
            if (a.kernelName().equals(kernel)) return !EXACT_ON_EVERY_TIER.contains(a);
        }
        return false;
    }

    /**
     * Within 16 ulps of the value or of 1, whichever is larger: what exps an ulp apart can change in these outputs
     * (softmax: each e^x and their sum; gradients: terms of size |dy| ~ 1 that cancel).
     */
    static void assertTierClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float tol = 16 * Math.ulp(Math.max(Math.abs(e), 1f));
            if (!(Float.isNaN(e) && Float.isNaN(actual[i]))) assertEquals(e, actual[i], tol, what + " [" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void everyThreadCountGivesTheSameBits(String name) {
        Backend path = Backends.get(name);
        Map<String, float[]> one = new KernelOutputs(path.parallel(Parallelism.SINGLE)).run(5);
        for (int t : THREADS) {
            // Own threads, t - 1 of them: normkit's pool has one per processor but one, too few to reach 7 here.
            ExecutorService helpers = Executors.newFixedThreadPool(t - 1);
            try {
                Map<String, float[]> many = new KernelOutputs(path.parallel(Parallelism.threads(t, helpers))).run(5);
                one.forEach((k, v) -> {
                    String what = name + " " + k + " on " + t + " threads";
                    if (tierDependent(name, k)) {
                        assertTierClose(v, many.get(k), what);
                    } else {
                        assertArrayEquals(v, many.get(k), what);
                    }
                });
            } finally {
                helpers.shutdown();
            }
        }
        Map<String, float[]> pool = new KernelOutputs(path.parallel(Parallelism.threads(2))).run(5);
        one.forEach((k, v) -> {
            String what = name + " " + k + " on normkit's pool";
            if (tierDependent(name, k)) {
                assertTierClose(v, pool.get(k), what);
            } else {
                assertArrayEquals(v, pool.get(k), what);
            }
        });
    }

    /**
     * Softmax, the activations and every scalar output are the plain kernel's bits. Sums across rows (diffScale,
     * diffShift) become sums of chunk partials, a few roundings apart. The vector path's layer and RMS norm compute the
     * first row of a call in another order than the rows after it (their loops pipeline one row's statistics with the
     * previous row's output), so the first row of each chunk may differ from the plain call by a few ulps.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void parallelKernelsMatchThePlainOnes(String name) {
        Backend path = Backends.get(name);
        Map<String, float[]> plain = new KernelOutputs(path).run(6);
        Map<String, float[]> parallel = new KernelOutputs(path.parallel(Parallelism.threads(3))).run(6);
        assertEquals(plain.keySet(), parallel.keySet());
        plain.forEach((k, v) -> {
            float[] p = parallel.get(k);
            boolean rowStarts = name.equals("vector") && (k.startsWith("layer_norm") || k.startsWith("rms_norm"));
            if (k.contains("diffScale")) {
                for (int i = 0; i < v.length; i++) {
                    // A sum over 600 rows, as one running sum or as 10 chunk partials: a few roundings apart.
                    assertEquals(v[i], p[i], 1e-6f * (1 + Math.abs(v[i])) * 600, k + " [" + i + "]");
                }
            } else if (rowStarts) {
                for (int i = 0; i < v.length; i++) {
                    assertEquals(v[i], p[i], 1e-6f * (1 + Math.abs(v[i])), name + " " + k + " [" + i + "]");
                }
            } else if (tierDependent(name, k)) {
                assertTierClose(v, p, name + " " + k);
            } else {
                assertArrayEquals(v, p, name + " " + k);
            }
        });
    }

    @Test
    void largeCallsUseTheHelpersAndSmallOnesDoNot() {
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Backend path = Backends.get("scalar").parallel(Parallelism.threads(4, r -> {
                tasks.incrementAndGet();
                pool.execute(r);
            }));
            int big = (int) Parallelism.MIN_PARALLEL_FLOATS * 4;
            try (ActivationKernel relu = path.create(ActivationDesc.of(Activation.RELU, Shape.of(big)))) {
                relu.forward(new float[big], new float[big]);
            }
            assertEquals(3, tasks.getAndSet(0), "helper tasks for one call on 4 threads");
            int small = (int) Parallelism.MIN_PARALLEL_FLOATS - 1;
            try (ActivationKernel relu = path.create(ActivationDesc.of(Activation.RELU, Shape.of(small)))) {
                relu.forward(new float[small], new float[small]);
            }
            assertEquals(0, tasks.get(), "helper tasks for a call under the cut-off");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void batchNormSplitsInferenceForwardAndRunsTrainingAndBackwardOnTheCaller() {
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Backend path = Backends.get("vector").parallel(Parallelism.threads(2, r -> {
                tasks.incrementAndGet();
                pool.execute(r);
            }));
            for (BatchNormDesc d : new BatchNormDesc[] {BatchNormDesc.of(Shape.of(4, 16, 48, 48)),
                    BatchNormDesc.of(Shape.of(4, 48, 48, 16), ChannelLayout.NHWC)}) {
                int n = (int) d.shape().elementCount();
                float[] x = TestData.normal(3, n, 2, 3), y = new float[n], dx = new float[n];
                float[] gamma = TestData.normal(4, 16, 1, 0.5), beta = TestData.normal(5, 16);
                float[] mean = new float[16], variance = new float[16], dg = new float[16], db = new float[16];
                try (BatchNormKernel k = path.create(d); BatchNormKernel plain = Backends.get("vector").create(d)) {
                    k.forwardTraining(x, y, gamma, beta, mean, variance, null, null);
                    k.backward(x, y, gamma, mean, variance, null, dx, dg, db);
                    assertEquals(0, tasks.get(), d + ": training forward and backward stay on the caller");
                    float[] parallel = new float[n], whole = new float[n];
                    k.forward(x, parallel, gamma, beta, mean, variance);
                    assertEquals(1, tasks.getAndSet(0), d + ": inference forward hands a task to the helper");
                    plain.forward(x, whole, gamma, beta, mean, variance);
                    assertArrayEquals(whole, parallel, d + ": each output its own element's, so the plain bits");
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aFailingChunkFailsTheCallWithTheArgumentNamed() {
        Backend path = Backends.get("vector").parallel(Parallelism.threads(2));
        int n = (int) Parallelism.MIN_PARALLEL_FLOATS * 2;
        try (ActivationKernel relu = path.create(ActivationDesc.of(Activation.RELU, Shape.of(n)))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> relu.forward(new float[n], new float[n - 1]));
            assertTrue(e.getMessage().startsWith("dst:"), e.getMessage());
        }
    }

    @Test
    void parallelismIsValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallelism.threads(0));
        assertTrue(e.getMessage().startsWith("threads:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Parallelism.threads(2, null));
        assertTrue(e.getMessage().startsWith("executor:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Backends.get("scalar").parallel(null));
        assertTrue(e.getMessage().startsWith("parallelism:"), e.getMessage());
        assertEquals(4, Backends.get("scalar").parallel(Parallelism.threads(4)).threads());
        assertEquals(1, Backends.get("scalar").threads());
    }

    /** The cut-off's override (for measuring the break-even) takes a non-negative integer and names itself. */
    @Test
    void theCutOffPropertyIsValidated() {
        assertEquals(131_072, Parallelism.minParallelFloats(null));
        assertEquals(131_072, Parallelism.minParallelFloats(" "));
        assertEquals(0, Parallelism.minParallelFloats("0"));
        assertEquals(65_536, Parallelism.minParallelFloats(" 65536 "));
        for (String bad : new String[] {"-1", "lots", "1e5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Parallelism.minParallelFloats(bad));
            assertTrue(e.getMessage().startsWith(Parallelism.MIN_PARALLEL_FLOATS_PROPERTY + ":"), e.getMessage());
        }
    }
}
