package dev.normkit.conformance;

/**
 * The documented ways oneDNN's results differ from normkit's policy on special values, and the inputs each excuses
 * from the {@code onednn} comparison. Nothing else is excluded, on any path.
 *
 * <p>kernels.md records oneDNN 3.13's behaviour on AVX2: relu maps NaN to 0 (its JIT compares and blends, and a NaN
 * compares false), exp maps NaN to +inf, hardsigmoid maps NaN to 1. normkit propagates NaN on every Java path.
 */
final class OneDnnDifferences {
    private OneDnnDifferences() {}

    static final String PATH = "onednn";

    /** Elements to skip in every output of the case, and why; {@link #NONE} when nothing is excused. */
    record Exclusion(boolean[] mask, int count, String reason) {}

    static final Exclusion NONE = new Exclusion(null, 0, "");

    static Exclusion forCase(ConformanceCase c, CaseData data, String path) {
        if (!PATH.equals(path)) return NONE;
        boolean relu = c.kernel() == KernelId.RELU || c.kernel() == KernelId.LEAKY_RELU;
        if (relu) {
            // ReLU reads src forward and backward; backward from dst reads dst, which is NaN exactly where src is.
            float[] read = c.direction() == Direction.BACKWARD_FROM_DST ? data.input("dst") : data.input("src");
            return nanPositions(read, "oneDNN's AVX2 relu maps NaN to 0 (kernels.md) where normkit propagates NaN");
        }
        return NONE;
    }

    private static Exclusion nanPositions(float[] x, String why) {
        boolean[] mask = new boolean[x.length];
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i])) {
                mask[i] = true;
                n++;
            }
        }
        return n == 0 ? NONE : new Exclusion(mask, n, n + " NaN inputs excluded: " + why);
    }
}
