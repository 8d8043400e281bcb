package dev.normkit.spi;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.BatchNormDesc;
import dev.normkit.InstanceNormDesc;
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

    /**
     * Instance norm's update, as PyTorch's {@code instance_norm} makes it (batch norm over N copies of the running
     * statistics, then their mean over N): each channel moves toward the mean over the N samples of its instance means
     * and of its unbiased instance variances ({@code m / (m - 1)} with m the spatial positions). {@code mean} and
     * {@code variance} are the saved {@code N x C} statistics; nothing when the running buffers are null.
     */
    public static void updateFromInstances(InstanceNormDesc d, MemorySegment mean, MemorySegment variance,
            MemorySegment runningMean, MemorySegment runningVar) {
        if (runningMean == null) return;
        double k = d.momentum();
        long batch = d.batch();
        long channels = d.channels();
        double m = d.spatial();
        double unbias = m / (m - 1);
        for (long c = 0; c < channels; c++) {
            double meanSum = 0;
            double varSum = 0;
            for (long n = 0; n < batch; n++) {
                meanSum += mean.getAtIndex(JAVA_FLOAT, n * channels + c);
                varSum += variance.getAtIndex(JAVA_FLOAT, n * channels + c);
            }
            double rm = runningMean.getAtIndex(JAVA_FLOAT, c);
            double rv = runningVar.getAtIndex(JAVA_FLOAT, c);
            runningMean.setAtIndex(JAVA_FLOAT, c, (float) ((1 - k) * rm + k * meanSum / batch));
            runningVar.setAtIndex(JAVA_FLOAT, c, (float) ((1 - k) * rv + k * varSum / batch * unbias));
        }
    }
}
