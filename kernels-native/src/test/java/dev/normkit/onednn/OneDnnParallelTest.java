package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.Parallelism;
import dev.normkit.Shape;
import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.OpenMpThreads;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The onednn path on several OpenMP threads, and concurrent calls on one of its kernels (issue 10). */
class OneDnnParallelTest {

    private static final Backend ONEDNN = Backends.get("onednn");
    private static final int ROWS = 64;
    private static final int COLS = 768;

    @Test
    void kernelsMadeForDifferentCountsEachRunWithTheirOwn() {
        Backend two = ONEDNN.parallel(Parallelism.threads(2));
        assertEquals(2, two.threads());
        assertTrue(two.description().endsWith("2 OpenMP threads"), two.description());
        assertSame(ONEDNN, ONEDNN.parallel(Parallelism.threads(ONEDNN.threads())), "the count it already has");
        OpenMpThreads openMp = OneDnnLibrary.openMp().orElseThrow();
        LayerNormDesc d = LayerNormDesc.of(Shape.of(ROWS, COLS));
        try (LayerNormKernel one = ONEDNN.parallel(Parallelism.SINGLE).create(d);
                LayerNormKernel dual = two.create(d)) {
            float[] x = random(1, ROWS * COLS), y = new float[ROWS * COLS];
            float[] gamma = random(2, COLS), beta = random(3, COLS);
            for (int i = 0; i < 2; i++) {
                dual.forward(x, y, gamma, beta);
                assertEquals(2, openMp.maxThreads(), "after a call of the 2-thread kernel");
                one.forward(x, y, gamma, beta);
                assertEquals(1, openMp.maxThreads(), "after a call of the 1-thread kernel");
            }
        }
    }

    @Test
    void anExecutorIsRefusedWithTheArgumentNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ONEDNN.parallel(Parallelism.threads(2, ForkJoinPool.commonPool())));
        assertTrue(e.getMessage().startsWith("parallelism.executor:"), e.getMessage());
    }

    /** Callers share one kernel (its staging buffers and bound arguments) and still each get their own result. */
    @Test
    void concurrentCallsOnOneKernelGiveEachCallerItsOwnResult() throws Exception {
        int callers = 6;
        LayerNormDesc d = LayerNormDesc.of(Shape.of(ROWS, COLS));
        try (LayerNormKernel shared = ONEDNN.parallel(Parallelism.threads(2)).create(d);
                Arena arena = Arena.ofShared()) {
            float[] gamma = random(2, COLS), beta = random(3, COLS);
            List<float[]> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                float[] x = random(10 + c, ROWS * COLS), dy = random(20 + c, ROWS * COLS);
                inputs.add(x);
                expected.add(run(shared, x, dy, gamma, beta, c % 2 == 0 ? null : arena));
            }
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    int caller = c;
                    done.add(pool.submit(() -> {
                        float[] dy = random(20 + caller, ROWS * COLS);
                        for (int i = 0; i < 20; i++) {
                            // Even callers pass float[] (staged), odd ones native segments (used in place).
                            float[] got = run(shared, inputs.get(caller), dy, gamma, beta,
                                    caller % 2 == 0 ? null : arena);
                            assertArrayEquals(expected.get(caller), got, "caller " + caller + ", call " + i);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdown();
            }
        }
    }

    /** Training forward then backward; heap arrays when {@code arena} is null, else native copies. */
    private static float[] run(LayerNormKernel k, float[] x, float[] dy, float[] gamma, float[] beta, Arena arena) {
        int n = x.length;
        MemorySegment[] t = {seg(x, arena), seg(new float[n], arena), seg(gamma, arena), seg(beta, arena),
                seg(new float[ROWS], arena), seg(new float[ROWS], arena), seg(dy, arena), seg(new float[n], arena),
                seg(new float[COLS], arena), seg(new float[COLS], arena)};
        k.forwardTraining(t[0], t[1], t[2], t[3], t[4], t[5]);
        k.backward(t[0], t[6], t[2], t[4], t[5], t[7], t[8], t[9]);
        float[] y = t[1].toArray(ValueLayout.JAVA_FLOAT), dx = t[7].toArray(ValueLayout.JAVA_FLOAT);
        float[] all = new float[y.length + dx.length + 2 * COLS];
        System.arraycopy(y, 0, all, 0, y.length);
        System.arraycopy(dx, 0, all, y.length, dx.length);
        MemorySegment.copy(t[8], ValueLayout.JAVA_FLOAT, 0, all, y.length + dx.length, COLS);
        MemorySegment.copy(t[9], ValueLayout.JAVA_FLOAT, 0, all, y.length + dx.length + COLS, COLS);
        return all;
    }

    private static MemorySegment seg(float[] a, Arena arena) {
        if (arena == null) return MemorySegment.ofArray(a);
        MemorySegment s = arena.allocate((long) a.length * Float.BYTES, 64);
        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, a.length);
        return s;
    }

    private static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
