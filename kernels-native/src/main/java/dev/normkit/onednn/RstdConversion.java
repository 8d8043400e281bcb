package dev.normkit.onednn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * oneDNN's layer normalization saves VARIANCE per row (the biased variance, or the mean of squares with the RMS_NORM
 * flag); normkit's API saves {@code rstd = 1 / sqrt(v + eps)}. Both directions are computed in double and rounded
 * once.
 */
final class RstdConversion {

    private RstdConversion() {}

    /** {@code rstd[i] = 1 / sqrt(variance[i] + eps)}: after a training forward. */
    static void toRstd(MemorySegment variance, MemorySegment rstd, long rows, float eps) {
        for (long i = 0; i < rows; i++) {
            double v = variance.getAtIndex(JAVA_FLOAT, i);
            rstd.setAtIndex(JAVA_FLOAT, i, (float) (1.0 / Math.sqrt(v + eps)));
        }
    }

    /** {@code variance[i] = 1 / rstd[i]^2 - eps}: before a backward. */
    static void toVariance(MemorySegment rstd, MemorySegment variance, long rows, float eps) {
        for (long i = 0; i < rows; i++) {
            double r = rstd.getAtIndex(JAVA_FLOAT, i);
            variance.setAtIndex(JAVA_FLOAT, i, (float) (1.0 / (r * r) - eps));
        }
    }
}
