package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f32 passes of {@link VectorWindowDivisiveNorm} on one channels-first block
 * ({@code dev.normkit.scalar.ChannelBlocks}): row c of every array at {@code c * stride}, stride and the block's
 * length {@code n} whole vectors (the rows are padded), so no pass has a tail. Lanes are positions: a channel window
 * is a run of rows, read as the same lanes of each. Each pass is a small method of scalars and arrays (package rules);
 * powers are VectorMath's repeatable log and exp, one of them per loop (the same bits on every JIT tier).
 *
 * <p>The norm of element (c, t) is {@code m * root}: m the window's max |x|, {@code root = (sum (|x'| pre r)^p)^(1/p)}
 * with {@code r = 1 / (m pre)} and pre a power of two that keeps {@code m pre} near 1 (2^-64 above 2^64, 2^64 below
 * 2^-64), so every scaled term is at most about 1 and the window's largest is 1: nothing overflows, and a term that
 * underflows is below 2^-149 of the sum.
 */
final class WindowPNormLoops {
    private WindowPNormLoops() {}

    private static final VectorSpecies<Float> F = FloatSpecies.F;
    static final float BIG = 0x1p64f;
    static final float SMALL = 0x1p-64f;
    private static final float INF = Float.POSITIVE_INFINITY;

    /** max |a| over [0, n), NaN if any is NaN (MAX keeps NaN); four accumulators, combined in lane order. */
    static float absMax(float[] a, int n) {
        int len = F.length();
        FloatVector m0 = FloatVector.zero(F), m1 = m0, m2 = m0, m3 = m0;
        int i = 0;
        for (int upper = n / (4 * len) * (4 * len); i < upper; i += 4 * len) {
            m0 = m0.max(FloatVector.fromArray(F, a, i).abs());
            m1 = m1.max(FloatVector.fromArray(F, a, i + len).abs());
            m2 = m2.max(FloatVector.fromArray(F, a, i + 2 * len).abs());
            m3 = m3.max(FloatVector.fromArray(F, a, i + 3 * len).abs());
        }
        for (; i < n; i += len) m0 = m0.max(FloatVector.fromArray(F, a, i).abs());
        FloatVector m = m0.max(m1).max(m2.max(m3));
        float r = 0f;
        for (int l = 0; l < len; l++) r = Math.max(r, m.lane(l));
        return r;
    }

    /** min |a| over the nonzero elements of [0, n) (+inf if none); a holds no NaN. */
    static float absMinNonzero(float[] a, int n) {
        FloatVector inf = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector m = inf;
        for (int i = 0; i < n; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, a, i).abs();
            m = m.min(v.blend(inf, v.compare(EQ, 0f)));
        }
        float r = Float.POSITIVE_INFINITY;
        for (int l = 0; l < F.length(); l++) r = Math.min(r, m.lane(l));
        return r;
    }

    /** Row {@code row} of m: the max |x| over rows lo..hi. */
    static void windowMax(float[] x, float[] m, int row, int lo, int hi, int stride) {
        int out = row * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector acc = FloatVector.fromArray(F, x, lo * stride + t).abs();
            for (int c = lo + 1; c <= hi; c++) acc = acc.max(FloatVector.fromArray(F, x, c * stride + t).abs());
            acc.intoArray(m, out + t);
        }
    }

    /** pre (a power of two) and {@code r = 1 / (m pre)}: the scale of each window's terms. */
    static void scales(float[] m, float[] pre, float[] r, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector mv = FloatVector.fromArray(F, m, i);
            FloatVector pv = one.blend(SMALL, mv.compare(GT, BIG)).blend(BIG, mv.compare(LT, SMALL));
            pv.intoArray(pre, i);
            one.div(mv.mul(pv)).intoArray(r, i);
        }
    }

    /** Row {@code row} of s: the sum over rows lo..hi of the scaled squares (p = 2). */
    static void sumSquares(float[] x, float[] pre, float[] r, float[] s, int row, int lo, int hi, int stride) {
        int out = row * stride;
        for (int t = 0; t < stride; t += F.length()) {
            // pre, then r: their product (~1/m) leaves f32's range where m is subnormal or near the top
            FloatVector pv = FloatVector.fromArray(F, pre, out + t);
            FloatVector rv = FloatVector.fromArray(F, r, out + t);
            FloatVector acc = FloatVector.zero(F);
            for (int c = lo; c <= hi; c++) {
                FloatVector v = FloatVector.fromArray(F, x, c * stride + t).mul(pv).mul(rv);
                acc = v.fma(v, acc);
            }
            acc.intoArray(s, out + t);
        }
    }

    /** Row {@code row} of s: the sum over rows lo..hi of the scaled |x| (p = 1). */
    static void sumAbs(float[] x, float[] pre, float[] r, float[] s, int row, int lo, int hi, int stride) {
        int out = row * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector pv = FloatVector.fromArray(F, pre, out + t);
            FloatVector rv = FloatVector.fromArray(F, r, out + t);
            FloatVector acc = FloatVector.zero(F);
            for (int c = lo; c <= hi; c++) {
                acc = acc.add(FloatVector.fromArray(F, x, c * stride + t).abs().mul(pv).mul(rv));
            }
            acc.intoArray(s, out + t);
        }
    }

    /**
     * Row {@code row} of tmp: {@code p log((|x| pre) r)} of row {@code from}'s elements against row {@code row}'s
     * scales; {@link #addExp} then adds (or sets) its exp. Two passes, each with one of VectorMath's repeatable log and
     * exp (the same bits on every JIT tier, where the Vector API's POW is SVML in C2 code only): both in one loop pass
     * C2's node cutoff (docs/vector-jit.md).
     */
    static void powTermLog(float[] x, float[] pre, float[] r, float[] tmp, int row, int from, int stride, float p) {
        FloatVector pv = FloatVector.broadcast(F, p);
        int out = row * stride;
        int in = from * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, in + t).abs().mul(FloatVector.fromArray(F, pre, out + t))
                    .mul(FloatVector.fromArray(F, r, out + t));
            VectorMath.logRepeatable(v).mul(pv).intoArray(tmp, out + t);
        }
    }

    /** Row {@code row} of s: exp of row {@code row} of tmp, added to s ({@code first}: stored). */
    static void addExp(float[] tmp, float[] s, int row, int stride, boolean first) {
        int out = row * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector e = VectorMath.expRepeatable(FloatVector.fromArray(F, tmp, out + t));
            (first ? e : e.add(FloatVector.fromArray(F, s, out + t))).intoArray(s, out + t);
        }
    }

    static void rootSqrt(float[] s, int n) {
        for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, s, i).sqrt().intoArray(s, i);
    }

    /** {@code s = log(s) / p}, the first half of {@code s^(1/p)}; {@link #expInPlace} is the second. */
    static void rootLog(float[] s, int n, float inverseP) {
        for (int i = 0; i < n; i += F.length()) {
            VectorMath.logRepeatable(FloatVector.fromArray(F, s, i)).mul(inverseP).intoArray(s, i);
        }
    }

    /** {@code s = exp(s)}: a method of its own, as a loop holding both the log and the exp passes C2's cutoff. */
    static void expInPlace(float[] s, int n) {
        for (int i = 0; i < n; i += F.length()) {
            VectorMath.expRepeatable(FloatVector.fromArray(F, s, i)).intoArray(s, i);
        }
    }

    static void fillOne(float[] s, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < n; i += F.length()) one.intoArray(s, i);
    }

    /**
     * {@code y = g x / (sigma + n)}, n = m root (0 for a zero window); for {@code m >= 2^64}, where n may pass f32's
     * range, and {@code m < 2^-64}, where n may be subnormal, as {@code g (x pre r) / (sigma pre r + root)}, the same
     * quotient scaled by {@code pre r ~ 1/m}.
     */
    static void forwardOut(float[] x, float[] m, float[] pre, float[] r, float[] root, float[] y, int n, float sigma,
            float gain) {
        FloatVector sv = FloatVector.broadcast(F, sigma);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector mv = FloatVector.fromArray(F, m, i);
            FloatVector rootv = FloatVector.fromArray(F, root, i);
            FloatVector xv = FloatVector.fromArray(F, x, i);
            FloatVector norm = mv.mul(rootv).blend(0f, mv.compare(GT, 0f).not());
            FloatVector direct = xv.div(norm.add(sv)).mul(gain);
            FloatVector pv = FloatVector.fromArray(F, pre, i);
            FloatVector rv = FloatVector.fromArray(F, r, i);
            FloatVector den = sv.mul(pv).mul(rv).add(rootv);
            FloatVector scaled = xv.mul(pv).mul(rv).div(den).mul(gain);
            // below 2^-64 m root would be subnormal (absolute rounding); there the scaled form unless sigma / m
            // overflows, where n is below sigma's rounding and the direct form is exact enough
            VectorMask<Float> useScaled = mv.compare(GE, BIG).or(mv.compare(LT, SMALL).and(den.compare(LT, INF)));
            direct.blend(scaled, useScaled).intoArray(y, i);
        }
    }

    /**
     * Backward's per-window values: {@code D = sigma + n} into d, {@code w = dy x / D^2} (0 for a zero window) into w,
     * n (1 for a zero window, whose w is 0, so no quotient by it is 0/0) into nn. Returns the block's
     * {@code sum dy x / D}, its lanes added in order.
     */
    static double windowTerms(float[] x, float[] dy, float[] m, float[] root, float[] d, float[] w, float[] nn,
            int n, float sigma) {
        FloatVector sv = FloatVector.broadcast(F, sigma);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector mv = FloatVector.fromArray(F, m, i);
            VectorMask<Float> zero = mv.compare(GT, 0f).not();
            FloatVector norm = mv.mul(FloatVector.fromArray(F, root, i)).blend(0f, zero);
            FloatVector dv = norm.add(sv);
            FloatVector q = FloatVector.fromArray(F, dy, i).mul(FloatVector.fromArray(F, x, i).div(dv));
            acc = acc.add(q);
            dv.intoArray(d, i);
            q.div(dv).blend(0f, zero).intoArray(w, i);
            norm.blend(1f, zero).intoArray(nn, i);
        }
        double sum = 0;
        for (int l = 0; l < F.length(); l++) sum += acc.lane(l);
        return sum;
    }

    /** p = inf: w of row {@code row} divided by the number of rows lo..hi whose |x| equals the window's max. */
    static void divideByTies(float[] x, float[] m, float[] w, int row, int lo, int hi, int stride) {
        int out = row * stride;
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector mv = FloatVector.fromArray(F, m, out + t);
            FloatVector count = FloatVector.zero(F);
            for (int c = lo; c <= hi; c++) {
                VectorMask<Float> tie = FloatVector.fromArray(F, x, c * stride + t).abs().compare(EQ, mv);
                count = count.add(FloatVector.zero(F).blend(one, tie));
            }
            FloatVector.fromArray(F, w, out + t).div(count.max(1f)).intoArray(w, out + t);
        }
    }

    /** p = 2: held of row {@code row} = sum over windows j of rows lo..hi of {@code (x / n_j) w_j}. */
    static void heldSquares(float[] x, float[] nn, float[] w, float[] held, int row, int lo, int hi, int stride) {
        int out = row * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector xv = FloatVector.fromArray(F, x, out + t);
            FloatVector acc = FloatVector.zero(F);
            for (int c = lo; c <= hi; c++) {
                int j = c * stride + t;
                acc = xv.div(FloatVector.fromArray(F, nn, j)).fma(FloatVector.fromArray(F, w, j), acc);
            }
            acc.intoArray(held, out + t);
        }
    }

    /** p = 1: held = sign(x) sum of w_j. */
    static void heldAbs(float[] x, float[] w, float[] held, int row, int lo, int hi, int stride) {
        int out = row * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector acc = FloatVector.zero(F);
            for (int c = lo; c <= hi; c++) acc = acc.add(FloatVector.fromArray(F, w, c * stride + t));
            FloatVector xv = FloatVector.fromArray(F, x, out + t);
            FloatVector sign = FloatVector.zero(F).blend(1f, xv.compare(GT, 0f)).blend(-1f, xv.compare(LT, 0f));
            acc.mul(sign).intoArray(held, out + t);
        }
    }

    /** p = inf: held = sum of sign(x) w_j over the windows whose max |x| is this |x| (w_j already over the ties). */
    static void heldMax(float[] x, float[] nn, float[] w, float[] held, int row, int lo, int hi, int stride) {
        int out = row * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector xv = FloatVector.fromArray(F, x, out + t);
            FloatVector ax = xv.abs();
            FloatVector acc = FloatVector.zero(F);
            for (int c = lo; c <= hi; c++) {
                int j = c * stride + t;
                FloatVector wv = FloatVector.fromArray(F, w, j);
                acc = acc.add(FloatVector.zero(F).blend(wv, ax.compare(EQ, FloatVector.fromArray(F, nn, j))));
            }
            FloatVector sign = FloatVector.zero(F).blend(1f, xv.compare(GT, 0f)).blend(-1f, xv.compare(LT, 0f));
            acc.mul(sign).intoArray(held, out + t);
        }
    }

    /** {@code lw = log |w|} (-inf where w is 0). */
    static void logAbs(float[] w, float[] lw, int n) {
        for (int i = 0; i < n; i += F.length()) {
            VectorMath.logRepeatable(FloatVector.fromArray(F, w, i).abs()).intoArray(lw, i);
        }
    }

    /**
     * Other p, the first of two passes: row {@code row} of tmp gets window j's exponent
     * {@code (p - 1) log(|x| / n_j) + log |w_j|}; {@link #heldPower} takes its exp (one repeatable log or exp per
     * loop, as {@link #powTermLog}).
     */
    static void heldExponent(float[] x, float[] nn, float[] lw, float[] tmp, int row, int window, int stride,
            float pMinusOne) {
        FloatVector pm1 = FloatVector.broadcast(F, pMinusOne);
        int out = row * stride;
        int j = window * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector ratio = FloatVector.fromArray(F, x, out + t).abs().div(FloatVector.fromArray(F, nn, j + t));
            VectorMath.logRepeatable(ratio).fma(pm1, FloatVector.fromArray(F, lw, j + t)).intoArray(tmp, out + t);
        }
    }

    /**
     * Other p: held of row {@code row} plus (or, {@code first}, set to) window j's term {@code sign(x) sign(w_j)
     * exp(tmp)}, tmp from {@link #heldExponent}: {@code |w_j| (|x| / n_j)^(p-1)} without forming the power, which
     * passes f32's range for p below 1 where the product does not. Wrong (NaN) for x = 0; {@link #backwardOut} drops
     * those.
     */
    static void heldPower(float[] x, float[] tmp, float[] w, float[] held, int row, int window, int stride,
            boolean first) {
        int out = row * stride;
        int j = window * stride;
        for (int t = 0; t < stride; t += F.length()) {
            FloatVector e = VectorMath.expRepeatable(FloatVector.fromArray(F, tmp, out + t));
            FloatVector xv = FloatVector.fromArray(F, x, out + t);
            FloatVector wv = FloatVector.fromArray(F, w, j + t);
            FloatVector signed = e.blend(e.neg(), xv.compare(LT, 0f)).blend(0f, xv.compare(EQ, 0f));
            signed = signed.blend(signed.neg(), wv.compare(LT, 0f));
            (first ? signed : signed.add(FloatVector.fromArray(F, held, out + t))).intoArray(held, out + t);
        }
    }

    /** {@code dx = g (dy / D - held)}, held taken as 0 where x = 0 (the norm's gradient is 0 there). */
    static void backwardOut(float[] x, float[] dy, float[] d, float[] held, float[] dx, int n, float gain) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector h = FloatVector.fromArray(F, held, i)
                    .blend(0f, FloatVector.fromArray(F, x, i).compare(EQ, 0f));
            FloatVector.fromArray(F, dy, i).div(FloatVector.fromArray(F, d, i)).sub(h).mul(gain).intoArray(dx, i);
        }
    }
}
