package dev.normkit.onednn;

import static dev.normkit.onednn.dnnl.ExecArg.DIFF_DST;
import static dev.normkit.onednn.dnnl.ExecArg.DIFF_SRC;
import static dev.normkit.onednn.dnnl.ExecArg.DST;
import static dev.normkit.onednn.dnnl.ExecArg.SRC;

import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.onednn.dnnl.DataType;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.DnnlMemoryDesc;
import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import dev.normkit.onednn.dnnl.EltwiseAlg;
import dev.normkit.onednn.dnnl.FormatTag;
import dev.normkit.onednn.dnnl.PropKind;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Elementwise activations on oneDNN's {@code eltwise} primitive over the tensor seen as 1-D: relu(alpha = slope),
 * gelu_erf, gelu_tanh, swish(alpha) for SiLU, and the mappings of {@link Eltwise#of} (docs/kernels.md lists them).
 * Primitives made once: inference forward, backward from src where the activation has one (the forward
 * algorithm, hinted by its training forward), and, where the descriptor has one, backward from dst (the
 * {@code _use_dst_for_bwd} algorithm, which reads dst).
 *
 * <p>oneDNN's behaviour on special values differs from the Java paths' (relu maps NaN to 0 on AVX2; test/CONFORMANCE.md
 * has the policy). On finite inputs the path is exact: oneDNN 3.13's gelu tanh backward gives NaN for |s| beyond about
 * 1.2e13 (an s^3 intermediate overflows; {@code GeluTanhBackwardQuirkTest}), so its src is first clamped to
 * +-{@value #GELU_TANH_CLAMP} by a oneDNN clip, which changes no derivative: beyond |s| of about 10 gelu tanh's
 * derivative is exactly 0 or 1 in f32. The clamp costs one more pass over src, and one buffer of the tensor's size,
 * allocated at the first backward call.
 */
final class OneDnnActivation extends OneDnnKernel implements ActivationKernel {

    private final ActivationDesc desc;
    private final StagedPrimitive forward;
    /** Null for a forward-only activation (round). */
    private final StagedPrimitive backward;
    /** Null when the descriptor has no backward from dst. */
    private final StagedPrimitive backwardFromDst;
    /** gelu tanh only (else null): clamps src for backward, which oneDNN gets wrong on huge inputs. */
    private final StagedPrimitive clampSrc;
    private final long n;
    /** Where {@link #clampSrc} writes; allocated at the first backward call. */
    private MemorySegment clamped;

    /** Clamp of gelu tanh backward's src: far beyond where the derivative is 0 or 1, far below s^3 overflowing. */
    static final float GELU_TANH_CLAMP = 1e6f;

    /** How a normkit activation maps onto oneDNN eltwise; {@code fromDst} is null when oneDNN has no dst variant. */
    record Eltwise(EltwiseAlg alg, EltwiseAlg fromDst, float alpha, float beta) {

        /**
         * The mapping of {@code d}: one case per activation.
         *
         * @throws IllegalArgumentException with the reason, where oneDNN's eltwise has no such algorithm (the onednn
         *     path then reports the activation unsupported, never a substitute)
         */
        static Eltwise of(ActivationDesc d) {
            return switch (d.activation()) {
                case RELU -> new Eltwise(EltwiseAlg.RELU, EltwiseAlg.RELU_USE_DST_FOR_BWD, 0f, 0f);
                case LEAKY_RELU -> new Eltwise(EltwiseAlg.RELU, EltwiseAlg.RELU_USE_DST_FOR_BWD, d.alpha(), 0f);
                case GELU_ERF -> new Eltwise(EltwiseAlg.GELU_ERF, null, 0f, 0f);
                case GELU_TANH -> new Eltwise(EltwiseAlg.GELU_TANH, null, 0f, 0f);
                case SILU -> new Eltwise(EltwiseAlg.SWISH, null, 1f, 0f);
                case SWISH -> new Eltwise(EltwiseAlg.SWISH, null, d.alpha(), 0f);
                // ---- piecewise linear
                // clip_v2's derivative is 1 on (alpha, beta) = (lo, hi): PyTorch's hardtanh and clamp
                case RELU6 -> new Eltwise(EltwiseAlg.CLIP_V2, EltwiseAlg.CLIP_V2_USE_DST_FOR_BWD, 0f, 6f);
                case HARDTANH, CLIP_V2 -> new Eltwise(EltwiseAlg.CLIP_V2, EltwiseAlg.CLIP_V2_USE_DST_FOR_BWD, d.alpha(),
                        d.beta());
                case CLIP -> new Eltwise(EltwiseAlg.CLIP, null, d.alpha(), d.beta());
                // oneDNN's hardsigmoid and hardswish take the slope and offset of alpha s + beta; PyTorch's are 1/6, 1/2
                case HARDSIGMOID -> new Eltwise(EltwiseAlg.HARDSIGMOID, null, 1f / 6f, 0.5f);
                case HARDSWISH -> new Eltwise(EltwiseAlg.HARDSWISH, null, 1f / 6f, 0.5f);
                case ABS -> new Eltwise(EltwiseAlg.ABS, null, 0f, 0f);
                case LINEAR -> new Eltwise(EltwiseAlg.LINEAR, null, d.alpha(), d.beta());
                case ROUND -> new Eltwise(EltwiseAlg.ROUND, null, 0f, 0f);
                case LEAKY_HARDTANH, LEAKY_HARDTANH_INVERSE, HARDSHRINK, SOFTSHRINK -> throw new IllegalArgumentException(
                        "oneDNN's eltwise has no " + d.kernelName() + " algorithm");
                // ---- exponential family
                // elu: s > 0 ? s : alpha expm1(s), derivative alpha e^s at 0, as PyTorch; from dst for alpha >= 0
                case ELU -> new Eltwise(EltwiseAlg.ELU, EltwiseAlg.ELU_USE_DST_FOR_BWD, d.alpha(), 0f);
                case SELU -> throw new IllegalArgumentException("oneDNN's eltwise has no selu (elu has no output "
                        + "scale; a second primitive would be a substitute)");
                case CELU -> throw new IllegalArgumentException("oneDNN's eltwise has no celu (elu has no input "
                        + "scale 1/alpha)");
                // oneDNN 3.13's JIT soft_relu (hence softplus, log_sigmoid as alpha -1, and mish, built on it) and
                // log are accurate in absolute terms only; measured on avx512_core_bf16 (OneDnnTailAccuracyTest):
                case SOFTPLUS -> throw new IllegalArgumentException("oneDNN's eltwise has no accurate softplus: "
                        + "soft_relu keeps no relative accuracy below 0 (soft_relu(-20) = -1.9e-6, exact 2.1e-9)");
                case SIGMOID -> new Eltwise(EltwiseAlg.LOGISTIC, EltwiseAlg.LOGISTIC_USE_DST_FOR_BWD, 0f, 0f);
                case LOG_SIGMOID -> throw new IllegalArgumentException("oneDNN's eltwise has no accurate log_sigmoid: "
                        + "soft_relu with alpha -1 gives +1.9e-6 at s = 20 (exact -2.1e-9, and never positive)");
                case TANH -> new Eltwise(EltwiseAlg.TANH, EltwiseAlg.TANH_USE_DST_FOR_BWD, 0f, 0f);
                case TANHSHRINK -> throw new IllegalArgumentException("oneDNN's eltwise has no tanhshrink");
                case MISH -> throw new IllegalArgumentException("oneDNN's eltwise has no accurate mish: its forward "
                        + "loses the negative tail (0 at s = -20, exact -4.1e-8) and its backward gives +-inf on finite "
                        + "inputs");
                case EXP -> new Eltwise(EltwiseAlg.EXP, EltwiseAlg.EXP_USE_DST_FOR_BWD, 0f, 0f);
                case LOG -> throw new IllegalArgumentException("oneDNN's eltwise has no accurate log: its log keeps "
                        + "no relative accuracy near 1 (errors of 24x the value measured on 1 + N(0, 1e-3))");
                // ---- others
                case SQRT -> new Eltwise(EltwiseAlg.SQRT, EltwiseAlg.SQRT_USE_DST_FOR_BWD, 0f, 0f);
                case SQUARE -> new Eltwise(EltwiseAlg.SQUARE, null, 0f, 0f);
                // d = alpha s^beta, ds = dd alpha beta s^(beta - 1): normkit's a and b as they are
                case POW -> new Eltwise(EltwiseAlg.POW, null, d.alpha(), d.beta());
                case SOFTSIGN -> throw new IllegalArgumentException("oneDNN's eltwise has no softsign (s / (1 + |s|)) "
                        + "algorithm");
            };
        }
    }

    /** The descriptors of an activation kernel; {@code all} also holds the training forwards that hint backward. */
    record Descs(PrimitiveDescs all, DnnlPrimitiveDesc forward, DnnlPrimitiveDesc backward,
            DnnlPrimitiveDesc backwardFromDst, DnnlPrimitiveDesc clampSrc) implements AutoCloseable {
        @Override
        public void close() {
            all.close();
        }
    }

    OneDnnActivation(DnnlEngine engine, OneDnnThreads threads, ActivationDesc desc, Descs pds) {
        super(engine, threads);
        this.desc = desc;
        long n = desc.shape().elementCount();
        this.n = n;
        try {
            StagingBuffer data0 = staging(n), data1 = staging(n), data2 = staging(n);
            forward = primitive(pds.forward());
            forward.stage(SRC, n, data0);
            forward.stage(DST, n, data1);
            if (pds.backward() != null) {
                backward = primitive(pds.backward());
                backward.stage(SRC, n, data0);
                backward.stage(DIFF_DST, n, data1);
                backward.stage(DIFF_SRC, n, data2);
            } else {
                backward = null; // forward-only activation: KernelArgs.activationBackward refuses the call first
            }
            if (pds.backwardFromDst() != null) {
                backwardFromDst = primitive(pds.backwardFromDst());
                backwardFromDst.stage(DST, n, data0);
                backwardFromDst.stage(DIFF_DST, n, data1);
                backwardFromDst.stage(DIFF_SRC, n, data2);
            } else {
                backwardFromDst = null;
            }
            if (pds.clampSrc() != null) {
                clampSrc = primitive(pds.clampSrc());
                clampSrc.stage(SRC, n, data0);
            } else {
                clampSrc = null;
            }
        } catch (RuntimeException e) {
            throw closeAfterFailure(e);
        }
    }

    /**
     * The oneDNN descriptors of an activation descriptor.
     *
     * @throws dev.normkit.onednn.dnnl.DnnlException when oneDNN cannot run it
     * @throws IllegalArgumentException when the descriptor has a backward from dst that oneDNN lacks
     */
    static Descs descs(DnnlEngine engine, ActivationDesc d) {
        Eltwise e = Eltwise.of(d);
        if (d.hasBackwardFromDst() && e.fromDst() == null) {
            throw new IllegalArgumentException("oneDNN has no _use_dst_for_bwd algorithm for " + d.kernelName());
        }
        PrimitiveDescs all = new PrimitiveDescs();
        try (DnnlMemoryDesc data = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, d.shape().elementCount())) {
            DnnlPrimitiveDesc forward = all.add(() -> DnnlPrimitiveDesc.eltwiseForward(engine,
                    PropKind.FORWARD_INFERENCE, e.alg(), data, data, e.alpha(), e.beta()));
            // round is forward only: oneDNN has no round backward, and normkit's round has none to map
            DnnlPrimitiveDesc backward = d.activation().hasBackward() ? backward(all, engine, e.alg(), data, e) : null;
            DnnlPrimitiveDesc fromDst = d.hasBackwardFromDst() ? backward(all, engine, e.fromDst(), data, e) : null;
            DnnlPrimitiveDesc clamp = e.alg() == EltwiseAlg.GELU_TANH
                    ? all.add(() -> DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE,
                            EltwiseAlg.CLIP, data, data, -GELU_TANH_CLAMP, GELU_TANH_CLAMP))
                    : null;
            return new Descs(all, forward, backward, fromDst, clamp);
        }
    }

    /** Backward with {@code alg}: its data argument is SRC, or DST for a {@code _use_dst_for_bwd} algorithm. */
    private static DnnlPrimitiveDesc backward(PrimitiveDescs all, DnnlEngine engine, EltwiseAlg alg,
            DnnlMemoryDesc data, Eltwise e) {
        DnnlPrimitiveDesc hint = all.add(() -> DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_TRAINING,
                alg, data, data, e.alpha(), e.beta()));
        return all.add(() -> DnnlPrimitiveDesc.eltwiseBackward(engine, alg, data, data, data, e.alpha(), e.beta(),
                hint));
    }

    @Override
    public ActivationDesc desc() {
        return desc;
    }

    @Override
    public synchronized void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.activationForward(desc, src, dst);
        begin();
        forward.input(SRC, src);
        forward.output(DST, dst);
        forward.execute(stream);
    }

    @Override
    public synchronized void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackward(desc, src, diffDst, diffSrc);
        begin();
        if (clampSrc != null) {
            if (clamped == null) {
                clamped = floats(n);
                clampSrc.fix(DST, n, clamped);
            }
            clampSrc.input(SRC, src);
            clampSrc.execute(stream);
            backward.input(SRC, clamped);
        } else {
            backward.input(SRC, src);
        }
        backward.input(DIFF_DST, diffDst);
        backward.output(DIFF_SRC, diffSrc);
        backward.execute(stream);
    }

    @Override
    public synchronized void backwardFromDst(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackwardFromDst(desc, dst, diffDst, diffSrc);
        begin();
        backwardFromDst.input(DST, dst);
        backwardFromDst.input(DIFF_DST, diffDst);
        backwardFromDst.output(DIFF_SRC, diffSrc);
        backwardFromDst.execute(stream);
    }
}
