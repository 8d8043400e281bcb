package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.HeapStaging.bytes;
import static dev.normkit.vector.HeapStaging.copyBack;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.spi.KernelArgs;
import dev.normkit.vector.ActivationLoops.Backward;
import dev.normkit.vector.ActivationLoops.Forward;
import java.lang.foreign.MemorySegment;

/**
 * Elementwise activations on the Vector API, with the scalar path's conventions (NaN propagates, limits at
 * +-infinity, ReLU'(0) = 0, ReLU(-0) = +0).
 *
 * <p>The arithmetic lives in {@link VectorActivationFunctions} and the other {@code *ActivationFunctions} classes, the loops in the generated {@link ActivationLoops};
 * this class picks the function once per kernel and the memory placement once per call ({@link Placement}): float[]
 * heap tensors run the {@code fromArray} loops, native ones the segment loops, and a call that mixes them (or passes
 * heap memory over another array type) stages its heap tensors through native copies, so no vector loop ever loads
 * from a heap segment (docs/vector-jit.md). Adding an activation: write its functions in
 * {@link VectorActivationFunctions}, rerun the generator, and map the descriptor to them in {@link #plan}.
 *
 * <p>Loops cover whole vectors; the last {@code n mod lanes} elements are copied into a zero-padded array of one
 * vector and run through the same array loop, so the tail computes exactly what a lane does, without masks (AMD's
 * masked stores are microcoded) and without a scalar copy of every function.
 *
 * <p>Not thread-safe (as {@link dev.normkit.Kernel} allows): calls on mixed memory share the kernel's staging buffer.
 */
final class VectorActivation implements ActivationKernel {

    private static final int L = F.length();

    private final ActivationDesc desc;
    private final long n;
    private final Plan plan;
    private final HeapStaging staging = new HeapStaging();

    /**
     * The generated loops an activation runs and their two constants: forward, backward from src, backward from dst
     * (null where the activation has none) and p, q, which each function reads as it documents.
     */
    record Plan(Forward forward, Backward backward, Backward backwardFromDst, float p, float q) {}

    VectorActivation(ActivationDesc desc) {
        this.desc = desc;
        this.n = desc.shape().elementCount();
        this.plan = plan(desc);
    }

    /** The loops of each activation: one case per activation, the place to map a new one. */
    static Plan plan(ActivationDesc desc) {
        float alpha = desc.alpha();
        return switch (desc.activation()) {
            case RELU -> new Plan(Forward.RELU, Backward.RELU_GRADIENT, Backward.RELU_GRADIENT, 0f, 0f);
            // backward from dst: with alpha >= 0, dst > 0 exactly when src > 0, so the same slope reads off dst
            case LEAKY_RELU -> new Plan(alpha == 0f ? Forward.RELU : Forward.LEAKY_RELU, Backward.RELU_GRADIENT,
                    Backward.RELU_GRADIENT, alpha, 0f);
            case GELU_ERF -> new Plan(Forward.GELU_ERF, Backward.GELU_ERF_GRADIENT, null, 0f, 0f);
            case GELU_TANH -> new Plan(Forward.GELU_TANH, Backward.GELU_TANH_GRADIENT, null, 0f, 0f);
            case SILU -> swish(1f);
            case SWISH -> swish(alpha);
            // ---- piecewise linear
            case RELU6 -> new Plan(Forward.CLAMP, Backward.CLAMP_GRADIENT, null, 0f, 6f);
            case HARDTANH -> new Plan(Forward.CLAMP, Backward.CLAMP_GRADIENT, null, alpha, desc.beta());
            case CLIP -> new Plan(Forward.CLAMP, Backward.CLIP_GRADIENT, null, alpha, desc.beta());
            // from dst: d equals a bound exactly where s is at or beyond it, so the same (lo, hi) test reads off d
            case CLIP_V2 -> new Plan(Forward.CLAMP, Backward.CLAMP_GRADIENT, Backward.CLAMP_GRADIENT, alpha,
                    desc.beta());
            case LEAKY_HARDTANH -> new Plan(Forward.LEAKY_HARDTANH, Backward.LEAKY_HARDTANH_GRADIENT, null, alpha, 0f);
            case LEAKY_HARDTANH_INVERSE -> new Plan(Forward.LEAKY_HARDTANH_INVERSE,
                    Backward.LEAKY_HARDTANH_INVERSE_GRADIENT, null, alpha,
                    PiecewiseLinearActivationFunctions.inverseThreshold(alpha));
            case HARDSIGMOID -> new Plan(Forward.HARDSIGMOID, Backward.HARDSIGMOID_GRADIENT, null, 0f, 0f);
            case HARDSWISH -> new Plan(Forward.HARDSWISH, Backward.HARDSWISH_GRADIENT, null, 0f, 0f);
            case HARDSHRINK -> new Plan(Forward.HARDSHRINK, Backward.SHRINK_GRADIENT, null, alpha, 0f);
            case SOFTSHRINK -> new Plan(Forward.SOFTSHRINK, Backward.SHRINK_GRADIENT, null, alpha, 0f);
            case ABS -> new Plan(Forward.ABS, Backward.ABS_GRADIENT, null, 0f, 0f);
            // a = 0: the constant b (a fused 0 * inf + b would be NaN, not the limit b)
            case LINEAR -> new Plan(alpha == 0f ? Forward.LINEAR_CONSTANT : Forward.LINEAR, Backward.SCALE_GRADIENT,
                    null, alpha, desc.beta());
            case ROUND -> new Plan(Forward.ROUND_HALF_EVEN, null, null, 0f, 0f); // forward only
            // ---- exponential family
            // elu and selu share their functions: p scales the positive side, q the negative (see elu)
            case ELU -> new Plan(Forward.ELU, Backward.ELU_GRADIENT,
                    alpha >= 0f ? Backward.ELU_GRADIENT_FROM_DST : null, 1f, alpha);
            case SELU -> new Plan(Forward.ELU, Backward.ELU_GRADIENT, null, SELU_SCALE, SELU_SCALE_ALPHA);
            case CELU -> new Plan(Forward.CELU, Backward.CELU_GRADIENT, null, alpha, 0f);
            case SOFTPLUS -> new Plan(Forward.SOFTPLUS, Backward.SOFTPLUS_GRADIENT, null, alpha, desc.beta());
            case SIGMOID -> new Plan(Forward.SIGMOID, Backward.SIGMOID_GRADIENT, Backward.SIGMOID_GRADIENT_FROM_DST,
                    0f, 0f);
            case LOG_SIGMOID -> new Plan(Forward.LOG_SIGMOID, Backward.LOG_SIGMOID_GRADIENT, null, 0f, 0f);
            case TANH -> new Plan(Forward.TANH, Backward.TANH_GRADIENT, Backward.TANH_GRADIENT_FROM_DST, 0f, 0f);
            case TANHSHRINK -> new Plan(Forward.TANHSHRINK, Backward.TANHSHRINK_GRADIENT, null, 0f, 0f);
            case MISH -> new Plan(Forward.MISH, Backward.MISH_GRADIENT, null, 0f, 0f);
            case EXP -> new Plan(Forward.EXPONENTIAL, Backward.EXPONENTIAL_GRADIENT,
                    Backward.EXPONENTIAL_GRADIENT_FROM_DST, 0f, 0f);
            case LOG -> new Plan(Forward.LOGARITHM, Backward.LOGARITHM_GRADIENT, null, 0f, 0f);
            // ---- others
            case SQRT -> new Plan(Forward.SQRT, Backward.SQRT_GRADIENT, Backward.SQRT_DST_GRADIENT, 0f, 0f);
            case SQUARE -> new Plan(Forward.SQUARE, Backward.SQUARE_GRADIENT, null, 0f, 0f);
            case SOFTSIGN -> new Plan(Forward.SOFTSIGN, Backward.SOFTSIGN_GRADIENT, null, 0f, 0f);
            case POW -> pow(alpha, desc.beta());
        };
    }

    /** PyTorch's selu scale, and scale times alpha (rounded once from double), for {@link Forward#ELU}. */
    private static final float SELU_SCALE = (float) 1.0507009873554804934193349852946;
    private static final float SELU_SCALE_ALPHA =
            (float) (1.0507009873554804934193349852946 * 1.6732632423543772848170429916717);

    /**
     * a s^b: b = 0 is the constant a, b = 1 the scale a s; a small integer b multiplies, any other b takes lanewise
     * POW (see {@link OtherActivationFunctions}). p = a, q = b.
     */
    private static Plan pow(float a, float b) {
        if (b == 0f) return new Plan(Forward.POW_ZERO, Backward.POW_ZERO_GRADIENT, null, a, 0f);
        if (b == 1f) return new Plan(Forward.SCALE, Backward.SCALE_GRADIENT, null, a, 0f);
        if (b == Math.rint(b) && Math.abs(b) <= OtherActivationFunctions.MAX_MULTIPLIED) {
            return new Plan(Forward.POW_INTEGER, Backward.POW_INTEGER_GRADIENT, null, a, b);
        }
        return new Plan(Forward.POW_REAL, Backward.POW_REAL_GRADIENT, null, a, b);
    }

    /** Beta 0: s sigmoid(0) = s / 2. Otherwise q is the infinity at which beta s = -inf (see silu). */
    private static Plan swish(float beta) {
        if (beta == 0f) return new Plan(Forward.SCALE, Backward.SCALE_GRADIENT, null, 0.5f, 0f);
        return new Plan(Forward.SILU, Backward.SILU_GRADIENT, null, beta,
                beta > 0 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
    }

    @Override
    public ActivationDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.activationForward(desc, src, dst);
        switch (Placement.of(src, dst)) {
            case ARRAYS -> forwardArrays(Placement.array(src), Placement.index(src), Placement.array(dst),
                    Placement.index(dst));
            case NATIVE -> forwardNative(src, dst);
            case MIXED -> {
                staging.begin(bytes(src, n) + bytes(dst, n));
                MemorySegment d = staging.output(dst, n);
                forwardNative(staging.input(src, n), d);
                copyBack(d, dst);
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackward(desc, src, diffDst, diffSrc);
        runBackward(plan.backward(), src, diffDst, diffSrc);
    }

    @Override
    public void backwardFromDst(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackwardFromDst(desc, dst, diffDst, diffSrc);
        runBackward(plan.backwardFromDst(), dst, diffDst, diffSrc);
    }

    /** {@code backward} on (src or dst, diffDst, diffSrc). */
    private void runBackward(Backward backward, MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        switch (Placement.of(src, diffDst, diffSrc)) {
            case ARRAYS -> backwardArrays(backward, Placement.array(src), Placement.index(src), Placement.array(diffDst),
                    Placement.index(diffDst), Placement.array(diffSrc), Placement.index(diffSrc));
            case NATIVE -> backwardNative(backward, src, diffDst, diffSrc);
            case MIXED -> {
                staging.begin(bytes(src, n) + bytes(diffDst, n) + bytes(diffSrc, n));
                MemorySegment dx = staging.output(diffSrc, n);
                backwardNative(backward, staging.input(src, n), staging.input(diffDst, n), dx);
                copyBack(dx, diffSrc);
            }
        }
    }

    // ---- placements: whole vectors through the generated loops, the tail staged through one padded vector ---------

    private void forwardArrays(float[] src, int srcAt, float[] dst, int dstAt) {
        int count = (int) n;
        int bulk = count - count % L;
        ActivationLoops.forwardArrays(plan.forward(), src, srcAt, dst, dstAt, bulk, plan.p(), plan.q());
        if (bulk < count) {
            float[] t = new float[L];
            System.arraycopy(src, srcAt + bulk, t, 0, count - bulk);
            ActivationLoops.forwardArrays(plan.forward(), t, 0, t, 0, L, plan.p(), plan.q());
            System.arraycopy(t, 0, dst, dstAt + bulk, count - bulk);
        }
    }

    private void forwardNative(MemorySegment src, MemorySegment dst) {
        long bulk = n - n % L;
        ActivationLoops.forwardNative(plan.forward(), src, dst, bulk, plan.p(), plan.q());
        if (bulk < n) {
            int rest = (int) (n - bulk);
            float[] t = new float[L];
            MemorySegment.copy(src, JAVA_FLOAT, bulk * Float.BYTES, t, 0, rest);
            ActivationLoops.forwardArrays(plan.forward(), t, 0, t, 0, L, plan.p(), plan.q());
            MemorySegment.copy(t, 0, dst, JAVA_FLOAT, bulk * Float.BYTES, rest);
        }
    }

    private void backwardArrays(Backward backward, float[] src, int srcAt, float[] dy, int dyAt, float[] dx, int dxAt) {
        int count = (int) n;
        int bulk = count - count % L;
        ActivationLoops.backwardArrays(backward, src, srcAt, dy, dyAt, dx, dxAt, bulk, plan.p(), plan.q());
        if (bulk < count) {
            float[] s = new float[L];
            float[] t = new float[L];
            System.arraycopy(src, srcAt + bulk, s, 0, count - bulk);
            System.arraycopy(dy, dyAt + bulk, t, 0, count - bulk);
            ActivationLoops.backwardArrays(backward, s, 0, t, 0, t, 0, L, plan.p(), plan.q());
            System.arraycopy(t, 0, dx, dxAt + bulk, count - bulk);
        }
    }

    private void backwardNative(Backward backward, MemorySegment src, MemorySegment dy, MemorySegment dx) {
        long bulk = n - n % L;
        ActivationLoops.backwardNative(backward, src, dy, dx, bulk, plan.p(), plan.q());
        if (bulk < n) {
            int rest = (int) (n - bulk);
            float[] s = new float[L];
            float[] t = new float[L];
            MemorySegment.copy(src, JAVA_FLOAT, bulk * Float.BYTES, s, 0, rest);
            MemorySegment.copy(dy, JAVA_FLOAT, bulk * Float.BYTES, t, 0, rest);
            ActivationLoops.backwardArrays(backward, s, 0, t, 0, t, 0, L, plan.p(), plan.q());
            MemorySegment.copy(t, 0, dx, JAVA_FLOAT, bulk * Float.BYTES, rest);
        }
    }
}
