package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise activations on the Vector API, with the same conventions as the scalar path (NaN propagates, limits at
 * +-infinity, ReLU'(0) = 0).
 *
 * <p>Each activation and direction has its own loop, chosen once per call by a switch outside it. The loops could
 * share one skeleton only by taking the per-element function as a parameter, and that call site would turn
 * megamorphic as soon as two activations run in one JVM: the JIT then stops inlining it, vectors get boxed, and the
 * loop runs many times slower. A static call the JIT can see is the only robust way. Adding an activation means: a
 * static function from vectors to vectors (built from {@link VectorExp}, {@link VectorNormalTail} and the Vector API's
 * lanewise operators, which must be constants at their call sites), and a loop that copies the skeleton of
 * {@link #geluErfForward} or {@link #geluErfBackward} around it.
 *
 * <p>Functions built on e^x use {@link VectorExp} rather than the Vector API's {@code EXP} (an SVML call).
 */
final class VectorActivation implements ActivationKernel {

    private static final VectorSpecies<Float> F = FloatSpecies.F;
    private static final int L = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** GELU tanh: 0.5 (1 + tanh u) = sigmoid(2u), with 2u = g(s) = s (G1 + G3 s^2). */
    private static final float G1 = (float) (2.0 * Math.sqrt(2.0 / Math.PI));
    private static final float G3 = (float) (2.0 * Math.sqrt(2.0 / Math.PI) * 0.044715);
    private static final float ONE_OVER_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));
    /**
     * GELU tanh derivative: beyond this |s|, e^-|g(s)| is 0 in float and the derivative is exactly 0 or 1, so clamping
     * here changes nothing and keeps s g'(s) finite.
     */
    private static final float GELU_TANH_FLAT = 16f;
    /** SiLU derivative: beyond this |alpha s|, e^-|alpha s| is 0 in float (see {@link VectorExp}). */
    private static final float SIGMOID_FLAT = 88f;

    private final ActivationDesc desc;
    private final long n;
    private final float alpha;
    /**
     * SiLU: the infinite input at which alpha s is -inf, where s / (1 + e^(-alpha s)) would be inf/inf; it is replaced
     * by the largest finite float of its sign, which gives the limit (a signed zero).
     */
    private final float siluBadInfinity;

    VectorActivation(ActivationDesc desc) {
        this.desc = desc;
        this.n = desc.shape().elementCount();
        this.alpha = desc.alpha();
        this.siluBadInfinity = alpha > 0 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
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
        switch (desc.activation()) {
            case RELU -> {
                if (alpha == 0f) {
                    reluForward(src, dst, n);
                } else {
                    leakyReluForward(src, dst, n, alpha);
                }
            }
            case GELU_ERF -> geluErfForward(src, dst, n);
            case GELU_TANH -> geluTanhForward(src, dst, n);
            case SILU -> {
                if (alpha == 0f) {
                    scaleForward(src, dst, n, 0.5f); // s sigmoid(0) = s / 2
                } else {
                    siluForward(src, dst, n, alpha, siluBadInfinity);
                }
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackward(desc, src, diffDst, diffSrc);
        switch (desc.activation()) {
            case RELU -> reluBackward(src, diffDst, diffSrc, n, alpha);
            case GELU_ERF -> geluErfBackward(src, diffDst, diffSrc, n);
            case GELU_TANH -> geluTanhBackward(src, diffDst, diffSrc, n);
            case SILU -> {
                if (alpha == 0f) {
                    scaleBackward(src, diffDst, diffSrc, n, 0.5f);
                } else {
                    siluBackward(src, diffDst, diffSrc, n, alpha);
                }
            }
        }
    }

    /** Only ReLU with alpha >= 0 gets here, where dst > 0 exactly when src > 0: its derivative reads the same. */
    @Override
    public void backwardFromDst(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackwardFromDst(desc, dst, diffDst, diffSrc);
        reluBackward(dst, diffDst, diffSrc, n, alpha);
    }

    // ---- per-element functions -------------------------------------------------------------------------------------

    /** s &gt; 0 ? s : +0; a NaN fails {@code s <= 0} and stays. */
    private static FloatVector relu(FloatVector s) {
        return s.blend(0f, s.compare(LE, 0f));
    }

    /** s &gt; 0 ? s : alpha s (alpha != 0, so -inf maps to an infinity, not NaN). */
    private static FloatVector leakyRelu(FloatVector s, float alpha) {
        return s.blend(s.mul(alpha), s.compare(LE, 0f));
    }

    /** dy * (s &gt; 0 ? 1 : alpha), NaN where s is NaN: the slope starts as s so that a NaN survives both blends. */
    private static FloatVector reluGradient(FloatVector s, FloatVector dy, float alpha) {
        FloatVector slope = s.blend(1f, s.compare(GT, 0f)).blend(alpha, s.compare(LE, 0f));
        return dy.mul(slope);
    }

    /** dy * k, NaN where s is NaN (the derivative of k s at NaN). */
    private static FloatVector scaleGradient(FloatVector s, FloatVector dy, float k) {
        return dy.mul(s.broadcast(k).blend(s, s.compare(NE, s)));
    }

    /**
     * s Phi(s) = max(s, 0) - |s| Q(|s|), Q the normal upper tail: no cancellation on either side. Negative s start
     * from -0 so that gelu(-inf) is -0; |s| is clamped where Q is 0 so that |s| Q(|s|) is never inf * 0.
     */
    private static FloatVector geluErf(FloatVector s) {
        FloatVector y = VectorNormalTail.clampedAbs(s);
        FloatVector yq = y.mul(VectorNormalTail.expMinusHalfSquare(y)).mul(VectorNormalTail.ratio(y));
        return s.blend(-0f, s.compare(LT, 0f)).sub(yq);
    }

    /** dy * (Phi(s) + s phi(s)), with s clamped to +-{@link VectorNormalTail#END} where phi is 0 anyway. */
    private static FloatVector geluErfGradient(FloatVector s, FloatVector dy) {
        FloatVector y = VectorNormalTail.clampedAbs(s);
        FloatVector e = VectorNormalTail.expMinusHalfSquare(y);
        FloatVector q = e.mul(VectorNormalTail.ratio(y));
        VectorMask<Float> negative = s.compare(LT, 0f);
        FloatVector phi = q.neg().add(1f).blend(q, negative);
        FloatVector clampedS = y.blend(y.neg(), negative);
        return dy.mul(clampedS.mul(e).fma(e.broadcast(ONE_OVER_SQRT_2PI), phi));
    }

    /** s sigmoid(g(s)) = s / (1 + e^-g(s)); -inf is replaced by -MAX_VALUE so that the quotient is -0, not NaN. */
    private static FloatVector geluTanh(FloatVector s) {
        FloatVector minusG = s.mul(s).fma(-G3, -G1).mul(s);
        FloatVector finiteS = s.blend(-Float.MAX_VALUE, s.compare(EQ, Float.NEGATIVE_INFINITY));
        return finiteS.div(VectorExp.exp(minusG).add(1f));
    }

    /** dy * (sigmoid(g) + s g'(s) sigmoid(g) sigmoid(-g)), g'(s) = G1 + 3 G3 s^2. */
    private static FloatVector geluTanhGradient(FloatVector s, FloatVector dy) {
        FloatVector a = s.abs();
        a = a.blend(GELU_TANH_FLAT, a.compare(GT, GELU_TANH_FLAT));
        FloatVector a2 = a.mul(a);
        FloatVector gAbs = a2.fma(G3, G1).mul(a);
        FloatVector sgPrimeAbs = a2.fma(3f * G3, G1).mul(a);
        return dy.mul(gatedSlope(gAbs, sgPrimeAbs, s.compare(LT, 0f)));
    }

    /** s sigmoid(alpha s) = s / (1 + e^(-alpha s)), with {@code badInfinity} made finite (see the field). */
    private static FloatVector silu(FloatVector s, float alpha, float badInfinity) {
        FloatVector finiteS = s.blend(Math.copySign(Float.MAX_VALUE, badInfinity), s.compare(EQ, badInfinity));
        return finiteS.div(VectorExp.exp(s.mul(-alpha)).add(1f));
    }

    /** dy * (sigmoid(x) + x sigmoid(x) sigmoid(-x)), x = alpha s. */
    private static FloatVector siluGradient(FloatVector s, FloatVector dy, float alpha) {
        FloatVector x = s.mul(alpha);
        FloatVector xAbs = x.abs();
        xAbs = xAbs.blend(SIGMOID_FLAT, xAbs.compare(GT, SIGMOID_FLAT));
        return dy.mul(gatedSlope(xAbs, xAbs, x.compare(LT, 0f)));
    }

    /**
     * The derivative of s sigmoid(g(s)) for an odd g, from |g| and |s g'(s)|: sigmoid(g) + s g' sigmoid(g) sigmoid(-g).
     * With e = e^-|g| (never overflows) and r = 1/(1+e): sigmoid(|g|) = r, sigmoid(-|g|) = e r, and the product of the
     * two sigmoids is e r^2 whatever the sign. Both arguments must be finite (callers clamp them where e is 0).
     */
    private static FloatVector gatedSlope(FloatVector gAbs, FloatVector sgPrimeAbs, VectorMask<Float> negative) {
        FloatVector e = VectorExp.exp(gAbs.neg());
        FloatVector r = e.add(1f);
        r = r.broadcast(1f).div(r);
        FloatVector er = e.mul(r);
        FloatVector t = sgPrimeAbs.mul(er).mul(r);
        return r.add(t).blend(er.sub(t), negative);
    }

    // ---- loops: 4 vectors per iteration, then single vectors, then one masked tail ---------------------------------

    private static void reluForward(MemorySegment src, MemorySegment dst, long n) {
        long i = 0;
        for (long end = n - 4L * L; i <= end; i += 4L * L) {
            FloatVector s0 = load(src, i), s1 = load(src, i + L), s2 = load(src, i + 2L * L), s3 = load(src, i + 3L * L);
            store(relu(s0), dst, i);
            store(relu(s1), dst, i + L);
            store(relu(s2), dst, i + 2L * L);
            store(relu(s3), dst, i + 3L * L);
        }
        for (; i <= n - L; i += L) {
            store(relu(load(src, i)), dst, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(relu(load(src, i, m)), dst, i, m);
        }
    }

    private static void leakyReluForward(MemorySegment src, MemorySegment dst, long n, float alpha) {
        long i = 0;
        for (long end = n - 4L * L; i <= end; i += 4L * L) {
            FloatVector s0 = load(src, i), s1 = load(src, i + L), s2 = load(src, i + 2L * L), s3 = load(src, i + 3L * L);
            store(leakyRelu(s0, alpha), dst, i);
            store(leakyRelu(s1, alpha), dst, i + L);
            store(leakyRelu(s2, alpha), dst, i + 2L * L);
            store(leakyRelu(s3, alpha), dst, i + 3L * L);
        }
        for (; i <= n - L; i += L) {
            store(leakyRelu(load(src, i), alpha), dst, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(leakyRelu(load(src, i, m), alpha), dst, i, m);
        }
    }

    private static void scaleForward(MemorySegment src, MemorySegment dst, long n, float k) {
        long i = 0;
        for (long end = n - 4L * L; i <= end; i += 4L * L) {
            FloatVector s0 = load(src, i), s1 = load(src, i + L), s2 = load(src, i + 2L * L), s3 = load(src, i + 3L * L);
            store(s0.mul(k), dst, i);
            store(s1.mul(k), dst, i + L);
            store(s2.mul(k), dst, i + 2L * L);
            store(s3.mul(k), dst, i + 3L * L);
        }
        for (; i <= n - L; i += L) {
            store(load(src, i).mul(k), dst, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(load(src, i, m).mul(k), dst, i, m);
        }
    }

    private static void geluErfForward(MemorySegment src, MemorySegment dst, long n) {
        long i = 0;
        for (; i <= n - L; i += L) {
            store(geluErf(load(src, i)), dst, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(geluErf(load(src, i, m)), dst, i, m);
        }
    }

    private static void geluTanhForward(MemorySegment src, MemorySegment dst, long n) {
        long i = 0;
        for (; i <= n - L; i += L) {
            store(geluTanh(load(src, i)), dst, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(geluTanh(load(src, i, m)), dst, i, m);
        }
    }

    private static void siluForward(MemorySegment src, MemorySegment dst, long n, float alpha, float badInfinity) {
        long i = 0;
        for (; i <= n - L; i += L) {
            store(silu(load(src, i), alpha, badInfinity), dst, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(silu(load(src, i, m), alpha, badInfinity), dst, i, m);
        }
    }

    private static void reluBackward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long n,
            float alpha) {
        long i = 0;
        for (; i <= n - L; i += L) {
            store(reluGradient(load(src, i), load(diffDst, i), alpha), diffSrc, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(reluGradient(load(src, i, m), load(diffDst, i, m), alpha), diffSrc, i, m);
        }
    }

    private static void scaleBackward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long n,
            float k) {
        long i = 0;
        for (; i <= n - L; i += L) {
            store(scaleGradient(load(src, i), load(diffDst, i), k), diffSrc, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(scaleGradient(load(src, i, m), load(diffDst, i, m), k), diffSrc, i, m);
        }
    }

    private static void geluErfBackward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long n) {
        long i = 0;
        for (; i <= n - L; i += L) {
            store(geluErfGradient(load(src, i), load(diffDst, i)), diffSrc, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(geluErfGradient(load(src, i, m), load(diffDst, i, m)), diffSrc, i, m);
        }
    }

    private static void geluTanhBackward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long n) {
        long i = 0;
        for (; i <= n - L; i += L) {
            store(geluTanhGradient(load(src, i), load(diffDst, i)), diffSrc, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(geluTanhGradient(load(src, i, m), load(diffDst, i, m)), diffSrc, i, m);
        }
    }

    private static void siluBackward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long n,
            float alpha) {
        long i = 0;
        for (; i <= n - L; i += L) {
            store(siluGradient(load(src, i), load(diffDst, i), alpha), diffSrc, i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            store(siluGradient(load(src, i, m), load(diffDst, i, m), alpha), diffSrc, i, m);
        }
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(F, s, i * Float.BYTES, ORDER);
    }

    private static FloatVector load(MemorySegment s, long i, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(F, s, i * Float.BYTES, ORDER, m);
    }

    private static void store(FloatVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i * Float.BYTES, ORDER);
    }

    private static void store(FloatVector v, MemorySegment s, long i, VectorMask<Float> m) {
        v.intoMemorySegment(s, i * Float.BYTES, ORDER, m);
    }
}
