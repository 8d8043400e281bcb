package dev.normkit.conformance;

import java.util.SplittableRandom;

/**
 * The kinds of input data the corpus feeds the kernels. Each family fills a source tensor deterministically from a
 * {@link SplittableRandom}; the label is what reports show.
 */
public enum InputFamily {
    /** N(0, 1): the common case. */
    NORMAL("normal"),
    /** U[-1, 1]. */
    UNIFORM("uniform"),
    /**
     * Every row one value k/8, k in [-32, 32]: zero variance (rstd = 1/sqrt(eps), layer norm gives the shift). Values
     * with few mantissa bits keep every f32 row sum exact, so the family tests zero-variance handling, not summation.
     */
    CONSTANT_ROWS("constant_rows"),
    /** 1e4 + N(0, 1): a large common offset, where E[x^2] - mean^2 in f32 loses every digit. */
    OFFSET_1E4("offset_1e4"),
    /** 80 + 4 N(0, 1): exp without the max subtracted overflows f32 (above ~88.7). */
    NEAR_80("near_80"),
    /** Rows centred alternately on +1000 and -1000, + 4 N(0, 1): exp overflows or underflows to 0. */
    NEAR_1000("near_1000"),
    /** U[-10, 10]: the range where activations curve. */
    RANGE_10("range_10"),
    /** +-10^U(-30, 30) with exact edges (+-0, +-MIN_VALUE, +-MIN_NORMAL, +-MAX_VALUE) mixed in. */
    HUGE_TINY("huge_tiny"),
    /**
     * N(0, 1) with NaN and +-inf. Row kernels: row r % 4 is clean (0), holds one NaN (1), one +inf (2), or -inf in a
     * quarter of its places, at least one (3, the masked-attention case). Elementwise: one element in 8 is special
     * (NaN, +-inf, +-0, +-MAX_VALUE, MIN_VALUE).
     */
    NAN_INF("nan_inf"),
    /**
     * The piecewise-linear activations' kinks for their default parameters, each exactly and one ulp either side
     * (see {@link PiecewiseLinearKinks}), in half the elements; the rest U[-10, 10].
     */
    PIECEWISE_KINKS("kinks"),
    /**
     * U[-100, 100] with exact values at the exponential family's switches mixed in (one in 8): +-0, +-20 and their
     * neighbours (softplus's threshold), +-88.7 (e^x overflows), -87.3 and -103.9 (e^x goes subnormal, then 0), the
     * tails where sigmoid, log_sigmoid and softplus are tiny.
     */
    RANGE_100("range_100"),
    /**
     * Positive values for log: 10^U(-45, 38.5) (subnormals to MAX_VALUE), a third of them 1 + N(0, 1e-3) (where log
     * is near 0 and must keep its relative accuracy), with +0, -0, 1 and MIN_VALUE mixed in.
     */
    POSITIVE("positive"),
    /**
     * Positive inputs only, for functions defined on s &gt;= 0 (sqrt, pow with a fractional exponent): every other
     * element U(0, 10), the rest 10^U(-30, 30), with exact edges (+0, MIN_VALUE, MIN_NORMAL, 1, MAX_VALUE) mixed in.
     */
    POSITIVE_MODERATE("positive_moderate"),
    /**
     * Row kernels: row r % 4 is all zeros (0), or N(0, 1) scaled by 1e-39 (1, subnormal), 1e-20 (2, whose f32 squares
     * underflow) or 1e30 (3, whose f32 squares overflow): norms that must be taken without overflow or underflow.
     * Elementwise: N(0, 1) scaled the same way element by element.
     */
    ROW_SCALES("row_scales");

    private static final float[] EXP_SWITCHES = {0f, -0f, 20f, Math.nextUp(20f), Math.nextDown(20f), -20f, 1f, -1f,
        88.72283f, 88.7f, -87.33655f, -103.97208f, 30f, -80f, 17f, -17f};
    private static final float[] POSITIVE_EDGES = {0f, -0f, 1f, Float.MIN_VALUE, Math.nextUp(1f), Math.nextDown(1f)};

    private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE};
    private static final float[] MODERATE_EDGES = {0f, Float.MIN_VALUE, Float.MIN_NORMAL, 1f, Float.MAX_VALUE};
    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE};

    /** The row scales of {@link #ROW_SCALES}, one per row in turn. */
    private static final double[] ROW_SCALE_FACTORS = {0.0, 1e-39, 1e-20, 1e30};

    private final String label;

    InputFamily(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    public static InputFamily byLabel(String label) {
        for (InputFamily f : values()) {
            if (f.label.equals(label)) return f;
        }
        throw new IllegalArgumentException("inputs: unknown family '" + label + "'");
    }

    /** A source tensor of {@code layout.size()} floats from this family. */
    public float[] generate(RowLayout layout, SplittableRandom rnd) {
        float[] x = new float[layout.size()];
        switch (this) {
            case NORMAL -> fill(x, () -> (float) rnd.nextGaussian());
            case UNIFORM -> fill(x, () -> (float) rnd.nextDouble(-1.0, 1.0));
            case OFFSET_1E4 -> fill(x, () -> (float) (1e4 + rnd.nextGaussian()));
            case NEAR_80 -> fill(x, () -> (float) (80.0 + 4.0 * rnd.nextGaussian()));
            case RANGE_10 -> fill(x, () -> (float) rnd.nextDouble(-10.0, 10.0));
            case CONSTANT_ROWS -> {
                for (int r = 0; r < layout.rows(); r++) {
                    float v = rnd.nextInt(-32, 33) / 8f;
                    for (int a = 0; a < layout.length(); a++) x[layout.index(r, a)] = v;
                }
            }
            case NEAR_1000 -> {
                for (int r = 0; r < layout.rows(); r++) {
                    double centre = r % 2 == 0 ? 1000.0 : -1000.0;
                    for (int a = 0; a < layout.length(); a++) {
                        x[layout.index(r, a)] = (float) (centre + 4.0 * rnd.nextGaussian());
                    }
                }
            }
            case HUGE_TINY -> {
                for (int i = 0; i < x.length; i++) {
                    x[i] = i % 16 == 15 ? EDGES[rnd.nextInt(EDGES.length)]
                            : (float) ((rnd.nextBoolean() ? 1 : -1) * Math.pow(10.0, rnd.nextDouble(-30.0, 30.0)));
                }
            }
            case PIECEWISE_KINKS -> {
                float[] kinks = PiecewiseLinearKinks.values();
                fill(x, () -> rnd.nextBoolean() ? kinks[rnd.nextInt(kinks.length)] : (float) rnd.nextDouble(-10, 10));
            }
            case RANGE_100 -> {
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextInt(8) == 0 ? EXP_SWITCHES[rnd.nextInt(EXP_SWITCHES.length)]
                            : (float) rnd.nextDouble(-100.0, 100.0);
                }
            }
            case POSITIVE -> {
                for (int i = 0; i < x.length; i++) {
                    int kind = rnd.nextInt(16);
                    x[i] = kind == 0 ? POSITIVE_EDGES[rnd.nextInt(POSITIVE_EDGES.length)]
                            : kind <= 5 ? (float) (1.0 + 1e-3 * rnd.nextGaussian())
                            : (float) Math.pow(10.0, rnd.nextDouble(-45.0, 38.5));
                }
            }
            case POSITIVE_MODERATE -> {
                for (int i = 0; i < x.length; i++) {
                    x[i] = i % 16 == 15 ? MODERATE_EDGES[rnd.nextInt(MODERATE_EDGES.length)]
                            : i % 2 == 0 ? (float) rnd.nextDouble(0.0, 10.0)
                            : (float) Math.pow(10.0, rnd.nextDouble(-30.0, 30.0));
                }
            }
            case ROW_SCALES -> {
                for (int r = 0; r < layout.rows(); r++) {
                    double scale = ROW_SCALE_FACTORS[r % ROW_SCALE_FACTORS.length];
                    for (int a = 0; a < layout.length(); a++) {
                        x[layout.index(r, a)] = (float) (scale * rnd.nextGaussian());
                    }
                }
            }
            case NAN_INF -> {
                fill(x, () -> (float) rnd.nextGaussian());
                if (layout.elementwise()) {
                    for (int i = 0; i < x.length; i++) {
                        if (rnd.nextInt(8) == 0) x[i] = SPECIALS[rnd.nextInt(SPECIALS.length)];
                    }
                } else {
                    sprinkleRows(x, layout, rnd);
                }
            }
        }
        return x;
    }

    private static void sprinkleRows(float[] x, RowLayout layout, SplittableRandom rnd) {
        for (int r = 0; r < layout.rows(); r++) {
            switch (r % 4) {
                case 1 -> x[layout.index(r, rnd.nextInt(layout.length()))] = Float.NaN;
                case 2 -> x[layout.index(r, rnd.nextInt(layout.length()))] = Float.POSITIVE_INFINITY;
                case 3 -> {
                    x[layout.index(r, rnd.nextInt(layout.length()))] = Float.NEGATIVE_INFINITY;
                    for (int a = 0; a < layout.length(); a++) {
                        if (rnd.nextInt(4) == 0) x[layout.index(r, a)] = Float.NEGATIVE_INFINITY;
                    }
                }
                default -> { }
            }
        }
    }

    private static void fill(float[] x, FloatSupplier s) {
        for (int i = 0; i < x.length; i++) x[i] = s.get();
    }

    @FunctionalInterface
    private interface FloatSupplier {
        float get();
    }
}
