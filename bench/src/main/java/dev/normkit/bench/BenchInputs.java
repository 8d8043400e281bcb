package dev.normkit.bench;

import dev.normkit.Activation;
import dev.normkit.ActivationKernel;
import dev.normkit.BatchNormKernel;
import dev.normkit.GroupNormKernel;
import dev.normkit.InstanceNormKernel;
import dev.normkit.Backends;
import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.RmsNormKernel;
import dev.normkit.SoftmaxKernel;
import dev.normkit.SpectralNormKernel;
import dev.normkit.WeightNormKernel;
import dev.normkit.conformance.KernelId;
import java.lang.foreign.MemorySegment;
import java.util.function.DoubleUnaryOperator;

/**
 * Realistic inputs, identical on every path: data and upstream gradients from N(0, 1), gamma from N(1, 0.1^2), beta
 * from N(0, 0.1^2). Inputs a real backward (or batch norm's inference forward) gets from the forward pass (mean and
 * rstd or variance, softmax's output, an activation's output) are computed by the scalar path, so they are the
 * statistics of the actual data. Activations defined on s >= 0 only (log, sqrt) take |N(0, 1)|, so that they are
 * measured on their domain rather than on NaNs.
 */
final class BenchInputs {
    private BenchInputs() {}

    private static final long SEED = 0x6e6f726d6b6974L; // "normkit"

    static void fill(KernelId kernel, KernelDesc<?> desc, Tensors t) {
        boolean nonNegative = kernel.activation().filter(a -> a == Activation.LOG || a == Activation.SQRT).isPresent();
        DoubleUnaryOperator data = nonNegative ? Math::abs : z -> z;
        fillIfPresent(t, "src", 1, data);
        fillIfPresent(t, "diffDst", 2, z -> z);
        fillIfPresent(t, "scale", 3, z -> 1 + 0.1 * z);
        fillIfPresent(t, "shift", 4, z -> 0.1 * z);
        if (kernel.family() == KernelId.Family.INSTANCE_NORM) {
            // Running statistics of N(0, 1) data, near its own: mean near 0, variance near 1 (never negative).
            fillIfPresent(t, "runningMean", 5, z -> 0.1 * z);
            fillIfPresent(t, "runningVar", 6, z -> 1 + 0.1 * Math.abs(z));
        }
        boolean savedStats = t.has("mean") && isInput(t, "mean") || t.has("rstd") && isInput(t, "rstd");
        boolean dstIsInput = t.has("dst") && isInput(t, "dst");
        fillIfPresent(t, "u", 5, z -> z);
        fillIfPresent(t, "v", 6, z -> z);
        // Weight norm's saved norms; spectral norm's u, v and sigma as a training step leaves them, for every direction.
        boolean weightState = t.has("norm") && isInput(t, "norm") || t.has("u");
        if (!savedStats && !dstIsInput && !weightState) return;

        try (Kernel scalar = Backends.get("scalar").create(desc)) {
            switch (scalar) {
                case LayerNormKernel k -> {
                    // Only mean and rstd are kept; diffSrc (an output) takes the forward's dst, and shift
                    // does not change the statistics.
                    LayerNormDesc d = k.desc();
                    MemorySegment shift = d.useShift() ? MemorySegment.ofArray(new float[(int) d.cols()]) : null;
                    k.forwardTraining(t.segment("src"), t.segment("diffSrc"), t.segment("scale"), shift,
                            t.segment("mean"), t.segment("rstd"));
                }
                case BatchNormKernel k -> {
                    // The batch's statistics, for inference forward and backward; the write goes to the
                    // direction's data output (dst or diffSrc), which the benchmark overwrites.
                    MemorySegment out = t.has("dst") ? t.segment("dst") : t.segment("diffSrc");
                    int channels = (int) k.desc().channels();
                    MemorySegment shift = k.desc().useShift() ? MemorySegment.ofArray(new float[channels]) : null;
                    k.forwardTraining(t.segment("src"), out, t.segment("scale"), shift, t.segment("mean"),
                            t.segment("variance"), null, null);
                }
                case GroupNormKernel k -> {
                    int channels = (int) k.desc().channels();
                    MemorySegment shift = k.desc().useShift() ? MemorySegment.ofArray(new float[channels]) : null;
                    k.forwardTraining(t.segment("src"), t.segment("diffSrc"), t.segment("scale"), shift,
                            t.segment("mean"), t.segment("variance"));
                }
                case InstanceNormKernel k -> {
                    // The instances' statistics for backward; no running statistics are needed for them.
                    int channels = (int) k.desc().channels();
                    MemorySegment shift = k.desc().useShift() ? MemorySegment.ofArray(new float[channels]) : null;
                    k.forwardTraining(t.segment("src"), t.segment("diffSrc"), t.segment("scale"), shift,
                            t.segment("mean"), t.segment("variance"), null, null);
                }
                case RmsNormKernel k -> k.forwardTraining(t.segment("src"), t.segment("diffSrc"),
                        t.segment("scale"), t.segment("rstd"));
                case SoftmaxKernel k -> {
                    fillIfPresent(t, "dst", 1, z -> z);
                    k.forward(t.segment("dst"), t.segment("dst"));
                }
                case ActivationKernel k -> {
                    fillIfPresent(t, "dst", 1, data);
                    k.forward(t.segment("dst"), t.segment("dst"));
                }
                case WeightNormKernel k -> k.forwardTraining(t.segment("src"), t.segment("scale"),
                        t.segment("diffSrc"), t.segment("norm"));
                case SpectralNormKernel k -> {
                    MemorySegment out = t.has("dst") ? t.segment("dst") : t.segment("diffSrc");
                    MemorySegment sigma = t.has("sigma") ? t.segment("sigma") : MemorySegment.ofArray(new float[1]);
                    k.forwardTraining(t.segment("src"), t.segment("u"), t.segment("v"), out, sigma);
                }
                default -> throw new IllegalArgumentException("kernel: no inputs recipe for " + kernel);
            }
        }
    }

    private static boolean isInput(Tensors t, String name) {
        return t.specs().stream().anyMatch(s -> s.name().equals(name) && s.role() == TensorSpec.Role.INPUT);
    }

    private static void fillIfPresent(Tensors t, String name, long stream, DoubleUnaryOperator f) {
        if (t.has(name)) t.fillNormal(name, SEED + stream, f);
    }
}
