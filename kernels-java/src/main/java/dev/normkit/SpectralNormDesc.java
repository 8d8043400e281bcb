package dev.normkit;

/**
 * Spectral normalization, PyTorch's {@code torch.nn.utils.spectral_norm}: a weight W of {@link #shape()}, seen as the
 * {@link #rows()} x {@link #cols()} matrix whose rows are dim 0, divided by sigma, an estimate of its largest singular
 * value by power iteration.
 *
 * <p>The caller owns the power iteration's state: u ({@link #rows()} floats) and v ({@link #cols()} floats), as
 * PyTorch keeps them in the module's {@code weight_u} and {@code weight_v} buffers (start them as random unit vectors,
 * as PyTorch does). Training forward updates them in place, {@link #powerIterations()} times:
 *
 * <pre>
 *   v = normalize(W^T u)        normalize(x) = x / max(||x||, eps)
 *   u = normalize(W v)
 * </pre>
 *
 * then {@code sigma = u^T W v} (saved, one float) and {@code dst = W / sigma}. Inference forward takes u and v as
 * they are. Backward is PyTorch's autograd result, with u and v held fixed (PyTorch computes them without gradient):
 * {@code diff_W = (diff_dst - sum(diff_dst * dst) u v^T) / sigma}.
 *
 * <p>Defaults as PyTorch: one power iteration per training step, eps 1e-12.
 */
public record SpectralNormDesc(Shape shape, int powerIterations, float eps) implements KernelDesc<SpectralNormKernel> {

    /** PyTorch's {@code eps} for spectral norm's normalizations. */
    public static final float DEFAULT_EPS = 1e-12f;

    public SpectralNormDesc {
        if (shape == null) {
            throw new IllegalArgumentException("shape: must not be null");
        }
        if (powerIterations < 0) {
            throw new IllegalArgumentException("powerIterations: must be >= 0, got " + powerIterations);
        }
        if (!(eps > 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps: must be finite and > 0, got " + eps);
        }
    }

    /** One power iteration, eps 1e-12 (PyTorch's defaults). */
    public static SpectralNormDesc of(Shape shape) {
        return new SpectralNormDesc(shape, 1, DEFAULT_EPS);
    }

    public SpectralNormDesc withPowerIterations(int n) {
        return new SpectralNormDesc(shape, n, eps);
    }

    public SpectralNormDesc withEps(float e) {
        return new SpectralNormDesc(shape, powerIterations, e);
    }

    /** The matrix's rows: dim 0, the length of u. */
    public long rows() {
        return shape.dim(0);
    }

    /** The matrix's columns: every other dim flattened, the length of v. */
    public long cols() {
        return shape.sizeFrom(1);
    }

    @Override
    public String kernelName() {
        return "spectral_norm";
    }
}
