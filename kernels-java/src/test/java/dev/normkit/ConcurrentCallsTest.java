package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many threads calling the same kernels at once get what one thread gets, bit for bit: the Java paths' kernels keep
 * no state across a call on {@code float[]} tensors, and a parallel kernel's partial buffers are never shared by two
 * calls. (Mixed memory stages through a per-kernel buffer on the vector path: not safe, as the README says.)
 */
class ConcurrentCallsTest {

    private static final int CALLERS = 6;
    private static final int CALLS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector", "vector on 2 threads"})
    void sharedKernelsGiveEachCallerItsOwnResult(String which) throws Exception {
        Backend vector = Backends.get(which.startsWith("scalar") ? "scalar" : "vector");
        Backend path = which.endsWith("threads") ? vector.parallel(Parallelism.threads(2)) : vector;
        KernelOutputs shared = new KernelOutputs(path);
        List<Map<String, float[]>> expected = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) expected.add(shared.run(100 + c));

        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                done.add(callers.submit(() -> {
                    for (int i = 0; i < CALLS; i++) {
                        Map<String, float[]> got = shared.run(100 + caller);
                        expected.get(caller).forEach((k, v) -> {
                            String what = which + " caller " + caller + ": " + k;
                            if (ParallelKernelTest.tierDependent(path.name(), k)) {
                                ParallelKernelTest.assertTierClose(v, got.get(k), what);
                            } else {
                                assertArrayEquals(v, got.get(k), what);
                            }
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            callers.shutdown();
        }
    }
}
