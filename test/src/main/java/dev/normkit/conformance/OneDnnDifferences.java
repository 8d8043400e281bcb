package dev.normkit.conformance;

import java.util.function.IntPredicate;

/**
 * The ways oneDNN's results differ from normkit's special-value policy, and the inputs each excuses from the
 * {@code onednn} comparison. Nothing else is excluded, on any path; every other element of these cases is still
 * compared.
 *
 * <p>kernels.md records oneDNN 3.13's behaviour on AVX2: relu maps NaN to 0, exp maps NaN to +inf, hardsigmoid maps NaN
 * to 1. The conformance run measured the rest (oneDNN 3.13.0, AVX2): gelu and silu are evaluated literally, so
 * {@code 0 * inf} turns their limits at infinity into NaN. normkit propagates NaN and gives the limits.
 */
final class OneDnnDifferences {
    private OneDnnDifferences() {}

    static final String PATH = "onednn";

    /**
     * gelu tanh backward is NaN from these inputs on (measured: an intermediate with s^3 overflows f32; the bounds
     * differ by sign).
     */
    static final float GELU_TANH_BACKWARD_NAN_ABOVE = 1.4704207e13f;
    static final float GELU_TANH_BACKWARD_NAN_BELOW = -1.1670737e13f;

    /** Elements to skip in every output of the case, and why; {@link #NONE} when nothing is excused. */
    record Exclusion(boolean[] mask, int count, String reason) {}

    static final Exclusion NONE = new Exclusion(null, 0, "");

    static Exclusion forCase(ConformanceCase c, CaseData data, String path) {
        if (!PATH.equals(path)) return NONE;
        Direction dir = c.direction();
        return switch (c.kernel()) {
            case RELU, LEAKY_RELU -> {
                // Backward from dst reads dst, which is NaN exactly where src is.
                float[] x = dir == Direction.BACKWARD_FROM_DST ? data.input("dst") : data.input("src");
                yield elements(x, i -> Float.isNaN(x[i]), "NaN inputs",
                        "oneDNN's AVX2 relu does not propagate NaN (forward gives 0, kernels.md; backward passes dy)");
            }
            case GELU_ERF, GELU_TANH, SILU -> {
                float[] s = data.input("src");
                if (dir == Direction.FORWARD) {
                    yield elements(s, i -> s[i] == Float.NEGATIVE_INFINITY, "-inf inputs", "oneDNN evaluates "
                            + c.kernel() + " literally, -inf * 0 = NaN (measured); normkit gives the limit 0");
                }
                if (c.kernel() == KernelId.GELU_TANH) {
                    yield elements(s, i -> s[i] >= GELU_TANH_BACKWARD_NAN_ABOVE || s[i] <= GELU_TANH_BACKWARD_NAN_BELOW,
                            "inputs beyond " + GELU_TANH_BACKWARD_NAN_BELOW + " / " + GELU_TANH_BACKWARD_NAN_ABOVE,
                            "oneDNN's gelu tanh backward overflows an s^3 intermediate there and gives NaN "
                                    + "(measured); the derivative is 0 or 1");
                }
                yield elements(s, i -> Float.isInfinite(s[i]), "infinite inputs", "oneDNN's " + c.kernel()
                        + " backward forms 0 * inf there and gives NaN (measured); the derivative is 0 or 1");
            }
            case SOFTMAX, LOG_SOFTMAX -> dir == Direction.FORWARD
                    ? rowsHolding(c, data.input("src"), "oneDNN's max skips NaN and its exp maps NaN to +inf "
                            + "(kernels.md), so a row holding NaN, or +inf (inf - inf = NaN), comes out as numbers "
                            + "instead of NaN")
                    : NONE;
            case LAYER_NORM, RMS_NORM -> NONE;
        };
    }

    private static Exclusion elements(float[] x, IntPredicate excluded, String what, String why) {
        boolean[] mask = new boolean[x.length];
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (excluded.test(i)) {
                mask[i] = true;
                n++;
            }
        }
        return n == 0 ? NONE : new Exclusion(mask, n, n + " " + what + " excluded: " + why);
    }

    /** Every element of each softmax row holding NaN or +inf. */
    private static Exclusion rowsHolding(ConformanceCase c, float[] src, String why) {
        RowLayout rows = RowLayout.of(c.desc());
        boolean[] mask = new boolean[src.length];
        int excludedRows = 0;
        int n = 0;
        for (int r = 0; r < rows.rows(); r++) {
            boolean special = false;
            for (int a = 0; a < rows.length() && !special; a++) {
                float v = src[rows.index(r, a)];
                special = Float.isNaN(v) || v == Float.POSITIVE_INFINITY;
            }
            if (!special) continue;
            excludedRows++;
            for (int a = 0; a < rows.length(); a++) {
                mask[rows.index(r, a)] = true;
                n++;
            }
        }
        return n == 0 ? NONE : new Exclusion(mask, n, excludedRows + " rows holding NaN or +inf excluded: " + why);
    }
}
