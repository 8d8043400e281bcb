package dev.normkit.spi;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.BatchNormDesc;
import java.lang.foreign.MemorySegment;

/**
 * The running-statistics update of batch-norm training, shared by every path (oneDNN keeps no running statistics):
 * PyTorch's {@code running = (1 - m) running + m batch}, with the batch variance made unbiased by {@code n / (n - 1)}.
 * Computed in double and rounded once per value.
 */
public final class RunningStats {
    private RunningStats() {}

    /** Updates both running buffers from the batch mean and biased variance; nothing when they are null. */
    public static void update(BatchNormDesc d, MemorySegment mean, MemorySegment variance, MemorySegment runningMean,
            MemorySegment runningVar) {
        if (runningMean == null) return;
        double m = d.momentum();
        double n = d.perChannel();
        double unbias = n / (n - 1);
        for (long c = 0; c < d.channels(); c++) {
            double rm = runningMean.getAtIndex(JAVA_FLOAT, c);
            double rv = runningVar.getAtIndex(JAVA_FLOAT, c);
            runningMean.setAtIndex(JAVA_FLOAT, c, (float) ((1 - m) * rm + m * mean.getAtIndex(JAVA_FLOAT, c)));
            runningVar.setAtIndex(JAVA_FLOAT, c,
                    (float) ((1 - m) * rv + m * variance.getAtIndex(JAVA_FLOAT, c) * unbias));
        }
    }
}
