package dev.normkit;

/**
 * One path that runs normkit kernels: {@code scalar}, {@code vector} or {@code onednn}. Get one from
 * {@link Backends}; the same caller code runs on any of them.
 *
 * <pre>{@code
 * Backend path = Backends.get("vector");
 * try (LayerNormKernel ln = path.create(LayerNormDesc.of(Shape.of(256, 768)))) {
 *     ln.forward(src, dst, gamma, beta);
 * }
 * }</pre>
 */
public interface Backend {

    /** Stable name: {@code scalar}, {@code vector} or {@code onednn}. */
    String name();

    /** What runs here, e.g. {@code Vector API, 256-bit, FMA} or {@code oneDNN 3.13.0, avx2}. */
    String description();

    /** Whether {@link #create} would succeed for this descriptor, and the reason if not. */
    Support support(KernelDesc<?> desc);

    /**
     * Makes a kernel for the descriptor. All shape-dependent preparation (for oneDNN: the primitive) happens here.
     *
     * @throws UnsupportedKernelException if {@link #support} says no
     */
    <K extends Kernel> K create(KernelDesc<K> desc);

    /** Threads one call of this path's kernels runs on: 1 for a plain Java path, else what {@link #parallel} set. */
    default int threads() {
        return 1;
    }

    /**
     * This path with every call of its kernels split across {@code parallelism.threads()} threads. Results are
     * bit-identical whatever the thread count: a call is cut into chunks that depend on the shape alone, and
     * reductions across rows (diffScale, diffShift) add one partial per chunk in chunk order. Shapes too small to gain
     * from threads (under {@link Parallelism#MIN_PARALLEL_FLOATS} floats) run on the caller alone.
     * {@code parallel(Parallelism.SINGLE)} runs the same chunks on the caller: it gives the bits of every thread count.
     * The plain path's kernels give the same bits as these everywhere but in diffScale and diffShift of shapes that
     * are cut into several chunks, where one running sum becomes a sum of partials (a rounding apart). On the onednn
     * path the threads are OpenMP's (see its backend).
     */
    default Backend parallel(Parallelism parallelism) {
        return dev.normkit.parallel.ParallelBackend.of(this, parallelism);
    }
}
