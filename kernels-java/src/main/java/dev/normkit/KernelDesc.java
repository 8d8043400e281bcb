package dev.normkit;

/**
 * An immutable, validated description of a kernel: what to compute and on what shape. The type parameter is the kernel
 * interface a {@link Backend} hands out for it, so {@code backend.create(LayerNormDesc.of(shape))} is a
 * {@link LayerNormKernel}.
 *
 * @param <K> the kernel interface this descriptor makes
 */
public sealed interface KernelDesc<K extends Kernel>
        permits LayerNormDesc, RmsNormDesc, SoftmaxDesc, ActivationDesc, BatchNormDesc, GroupNormDesc,
        InstanceNormDesc, WeightNormDesc, SpectralNormDesc, LrnDesc, L2NormalizeDesc, DivisiveNormDesc {

    /** Short stable name used in reports, e.g. {@code layer_norm}, {@code gelu_erf}. */
    String kernelName();

    /** The shape of the data tensor (src, dst, diff_src, diff_dst). */
    Shape shape();
}
