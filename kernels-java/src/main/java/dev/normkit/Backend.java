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
}
