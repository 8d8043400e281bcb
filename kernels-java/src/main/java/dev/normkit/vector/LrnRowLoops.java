package dev.normkit.vector;


import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector loops of LRN's streamed ways ({@link LrnChannelStream}, {@link LrnPositionStream}) over rows of
 * {@code n} floats, {@code n} a whole number of vectors (the rows are padded, so there is no tail). A window is given
 * as the offsets of its rows in {@code x} (or {@code t}): output lane i sums {@code x[offsets[j] + i]} over j, and
 * {@code centre} / {@code at} is where the output's own element of each row sits. The same windows in either layout:
 * channels first a row is a channel at a tile of positions; channels last the rows are the block itself shifted by
 * one float per channel.
 *
 * <p>Window sums add the squares by {@code fma} in row order (each square is computed again by every window that holds
 * it: a multiply is cheaper than a pass, and no sliding sum, whose subtraction would cancel). beta = 0.75 takes
 * {@code w^-0.75 = 1 / (sqrt(w) * sqrt(sqrt(w)))}, as oneDNN does: two square roots and a division, all correctly
 * rounded; any other beta is {@code exp(-beta log w)} with VectorMath's repeatable log and exp, a pass each (the same
 * bits on every JIT tier, where the Vector API's POW is SVML in C2 code only; package rule 6). Five-row windows (size 5: PyTorch's default and AlexNet's) have loops with the five loads
 * written out: the loop over a window of any length measured 1.8x slower (C2 keeps it a loop, with its bounds checks
 * and a dependent chain per step). Both give the same sums in the same order.
 */
final class LrnRowLoops {

    private static final VectorSpecies<Float> F = FloatSpecies.F;

    private LrnRowLoops() {}

    /** y = x * w^-beta for one row, through the loops that fit beta and the window's length m. */
    static void forwardRow(boolean threeQuarters, float[] x, int[] offsets, int m, int centre, float[] w, float[] y,
            int n, float a, float k, float negBeta) {
        if (threeQuarters && m == 5) {
            forwardFive(x, offsets, centre, y, n, a, k);
        } else if (threeQuarters) {
            forwardThreeQuarters(x, offsets, m, centre, y, n, a, k);
        } else {
            windowTerms(x, offsets, m, w, n, a, k);
            forwardPower(x, centre, w, y, n, negBeta);
        }
    }

    /** Backward's p = w^-beta and t = dy * x * p / w for one row (at {@code at} in x, dy, p, t); w is scratch. */
    static void termsRow(boolean threeQuarters, float[] x, int[] offsets, int m, int at, float[] dy, float[] p,
            float[] t, float[] w, int n, float a, float k, float negBeta) {
        if (threeQuarters && m == 5) {
            termsFive(x, offsets, at, dy, p, t, n, a, k);
        } else if (threeQuarters) {
            termsThreeQuarters(x, offsets, m, at, dy, p, t, n, a, k);
        } else {
            windowTerms(x, offsets, m, w, n, a, k);
            backwardPower(w, p, at, n, negBeta);
            holderTerms(x, dy, p, w, t, at, n);
        }
    }

    /** diffSrc = dy * p - coef * x * (the sum of the m t rows of the windows that hold the row), into out. */
    static void outRow(float[] x, float[] dy, float[] p, float[] t, int[] offsets, int m, int at, float[] out, int n,
            float coef) {
        if (m == 5) {
            backwardOutFive(x, dy, p, t, offsets, at, out, n, coef);
        } else {
            backwardOut(x, dy, p, t, offsets, m, at, out, n, coef);
        }
    }

    /** y = x / (sqrt(w) * sqrt(sqrt(w))), w = k + a * (sum of the window rows' squares). */
    static void forwardThreeQuarters(float[] x, int[] offsets, int m, int centre, float[] y, int n, float a,
            float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < m; j++) {
                FloatVector v = FloatVector.fromArray(F, x, offsets[j] + i);
                sum = v.fma(v, sum);
            }
            FloatVector w = sum.fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector.fromArray(F, x, centre + i).div(root.mul(root.sqrt())).intoArray(y, i);
        }
    }

    /** {@link #forwardThreeQuarters} for a window of exactly five rows, written out. */
    static void forwardFive(float[] x, int[] offsets, int centre, float[] y, int n, float a, float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4];
        for (int i = 0; i < n; i += F.length()) {
            FloatVector v0 = FloatVector.fromArray(F, x, o0 + i);
            FloatVector v1 = FloatVector.fromArray(F, x, o1 + i);
            FloatVector v2 = FloatVector.fromArray(F, x, o2 + i);
            FloatVector v3 = FloatVector.fromArray(F, x, o3 + i);
            FloatVector v4 = FloatVector.fromArray(F, x, o4 + i);
            // v0 * v0 is what the general loop's first fma onto zero rounds to.
            FloatVector sum = v4.fma(v4, v3.fma(v3, v2.fma(v2, v1.fma(v1, v0.mul(v0)))));
            FloatVector w = sum.fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector.fromArray(F, x, centre + i).div(root.mul(root.sqrt())).intoArray(y, i);
        }
    }

    /** w = k + a * (sum of the window rows' squares), for any beta's power pass. */
    static void windowTerms(float[] x, int[] offsets, int m, float[] w, int n, float a, float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < m; j++) {
                FloatVector v = FloatVector.fromArray(F, x, offsets[j] + i);
                sum = v.fma(v, sum);
            }
            sum.fma(av, kv).intoArray(w, i);
        }
    }

    /** y = w^-beta * x, as exp(-beta log w) * x: a log pass into y, then an exp pass. */
    static void forwardPower(float[] x, int centre, float[] w, float[] y, int n, float negBeta) {
        affineLog(w, 1f, 0f, y, 0, n, negBeta);
        expTimes(y, x, centre, n);
    }

    /**
     * out[at + i] = c log(a s[i] + b), with VectorMath's repeatable log (the same bits on every JIT tier, where the
     * Vector API's POW is SVML in C2 code only). A power is this and {@link #exp} or {@link #expTimes}, each its own
     * loop: the repeatable log and exp together in one loop pass C2's node cutoff (docs/vector-jit.md).
     */
    static void affineLog(float[] s, float a, float b, float[] out, int at, int n, float c) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector bv = FloatVector.broadcast(F, b);
        FloatVector cv = FloatVector.broadcast(F, c);
        for (int i = 0; i < n; i += F.length()) {
            VectorMath.logRepeatable(FloatVector.fromArray(F, s, i).fma(av, bv)).mul(cv).intoArray(out, at + i);
        }
    }

    /** e[at + i] = exp(e[at + i]). */
    static void exp(float[] e, int at, int n) {
        for (int i = 0; i < n; i += F.length()) {
            VectorMath.expRepeatable(FloatVector.fromArray(F, e, at + i)).intoArray(e, at + i);
        }
    }

    /** y[i] = exp(y[i]) * x[xAt + i]. */
    static void expTimes(float[] y, float[] x, int xAt, int n) {
        for (int i = 0; i < n; i += F.length()) {
            VectorMath.expRepeatable(FloatVector.fromArray(F, y, i)).mul(FloatVector.fromArray(F, x, xAt + i))
                    .intoArray(y, i);
        }
    }

    /** Backward's p = w^-0.75 (as forward) and t = dy * x * p / w for one row, from its window's squares. */
    static void termsThreeQuarters(float[] x, int[] offsets, int m, int at, float[] dy, float[] p, float[] t,
            int n, float a, float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < m; j++) {
                FloatVector v = FloatVector.fromArray(F, x, offsets[j] + i);
                sum = v.fma(v, sum);
            }
            FloatVector w = sum.fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector pw = one.div(root.mul(root.sqrt()));
            pw.intoArray(p, at + i);
            FloatVector gx = FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, x, at + i));
            gx.mul(pw).div(w).intoArray(t, at + i);
        }
    }

    /** p = w^-beta into the p ring: a log pass and an exp pass ({@link #affineLog}). */
    static void backwardPower(float[] w, float[] p, int at, int n, float negBeta) {
        affineLog(w, 1f, 0f, p, at, n, negBeta);
        exp(p, at, n);
    }

    /** t = dy * x * p / w into the t ring. */
    static void holderTerms(float[] x, float[] dy, float[] p, float[] w, float[] t, int at, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector gx = FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, x, at + i));
            gx.mul(FloatVector.fromArray(F, p, at + i)).div(FloatVector.fromArray(F, w, i)).intoArray(t, at + i);
        }
    }

    /** diffSrc = dy * p - coef * x * (sum of the t rows of the windows holding the row), into out. */
    static void backwardOut(float[] x, float[] dy, float[] p, float[] t, int[] offsets, int m, int at,
            float[] out, int n, float coef) {
        FloatVector cv = FloatVector.broadcast(F, -coef);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector h = FloatVector.fromArray(F, t, offsets[0] + i);
            for (int j = 1; j < m; j++) h = h.add(FloatVector.fromArray(F, t, offsets[j] + i));
            FloatVector xh = FloatVector.fromArray(F, x, at + i).mul(h);
            FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, p, at + i)).add(xh.mul(cv))
                    .intoArray(out, i);
        }
    }

    /** {@link #termsThreeQuarters} for five rows, written out as {@link #forwardFive}. */
    static void termsFive(float[] x, int[] offsets, int at, float[] dy, float[] p, float[] t, int n, float a,
            float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4];
        for (int i = 0; i < n; i += F.length()) {
            FloatVector v0 = FloatVector.fromArray(F, x, o0 + i);
            FloatVector v1 = FloatVector.fromArray(F, x, o1 + i);
            FloatVector v2 = FloatVector.fromArray(F, x, o2 + i);
            FloatVector v3 = FloatVector.fromArray(F, x, o3 + i);
            FloatVector v4 = FloatVector.fromArray(F, x, o4 + i);
            FloatVector w = v4.fma(v4, v3.fma(v3, v2.fma(v2, v1.fma(v1, v0.mul(v0))))).fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector pw = one.div(root.mul(root.sqrt()));
            pw.intoArray(p, at + i);
            FloatVector gx = FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, x, at + i));
            gx.mul(pw).div(w).intoArray(t, at + i);
        }
    }

    /** {@link #backwardOut} for five t rows, written out; the same sum in the same order. */
    static void backwardOutFive(float[] x, float[] dy, float[] p, float[] t, int[] offsets, int at,
            float[] out, int n, float coef) {
        FloatVector cv = FloatVector.broadcast(F, -coef);
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4];
        for (int i = 0; i < n; i += F.length()) {
            FloatVector h = FloatVector.fromArray(F, t, o0 + i).add(FloatVector.fromArray(F, t, o1 + i))
                    .add(FloatVector.fromArray(F, t, o2 + i)).add(FloatVector.fromArray(F, t, o3 + i))
                    .add(FloatVector.fromArray(F, t, o4 + i));
            FloatVector xh = FloatVector.fromArray(F, x, at + i).mul(h);
            FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, p, at + i)).add(xh.mul(cv))
                    .intoArray(out, i);
        }
    }
}
