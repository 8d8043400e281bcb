package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.BatchNormDesc;
import dev.normkit.BatchNormKernel;
import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The running statistics over several training steps on every available path, against PyTorch's update applied in
 * double to the batches' float64 statistics: each step's batch has its own offset and spread, so a path that skips a
 * step, forgets the unbiasing {@code n / (n - 1)} or swaps momentum and 1 - momentum drifts away.
 */
class BatchNormRunningStatsTest {

    private static final int STEPS = 4;

    @TestFactory
    Stream<DynamicTest> runningStatisticsFollowTheFormulaOverSeveralSteps() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend path : Backends.available()) {
            for (BatchNormDesc d : List.of(BatchNormDesc.of(Shape.of(4, 6, 5, 7)).withMomentum(0.3f),
                    BatchNormDesc.of(Shape.of(4, 5, 7, 6), ChannelLayout.NHWC),
                    BatchNormDesc.of(Shape.of(33, 6)))) {
                tests.add(DynamicTest.dynamicTest(path.name() + " " + d.layout() + " " + d.shape(),
                        () -> checkSteps(path, d)));
            }
        }
        return tests.stream();
    }

    private static void checkSteps(Backend path, BatchNormDesc d) {
        int size = Math.toIntExact(d.shape().elementCount());
        int channels = Math.toIntExact(d.channels());
        SplittableRandom rnd = new SplittableRandom(5);
        double[] mean = new double[channels];
        double[] var = new double[channels];
        java.util.Arrays.fill(var, 1.0);
        // The bound of the direction that produces them, relative to |expected| + 1 (values of order 1 to 100).
        double bound = Tolerances.of(KernelId.BATCH_NORM, Direction.FORWARD_TRAINING, d.perChannel()).maxRel();
        try (BatchNormKernel k = path.create(d); Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(ValueLayout.JAVA_FLOAT, size);
            MemorySegment dst = arena.allocate(ValueLayout.JAVA_FLOAT, size);
            MemorySegment ones = arena.allocate(ValueLayout.JAVA_FLOAT, channels);
            MemorySegment zeros = arena.allocate(ValueLayout.JAVA_FLOAT, channels);
            MemorySegment batchMean = arena.allocate(ValueLayout.JAVA_FLOAT, channels);
            MemorySegment batchVar = arena.allocate(ValueLayout.JAVA_FLOAT, channels);
            MemorySegment runningMean = arena.allocate(ValueLayout.JAVA_FLOAT, channels);
            MemorySegment runningVar = arena.allocate(ValueLayout.JAVA_FLOAT, channels);
            for (int c = 0; c < channels; c++) {
                ones.setAtIndex(ValueLayout.JAVA_FLOAT, c, 1f);
                runningVar.setAtIndex(ValueLayout.JAVA_FLOAT, c, 1f);
            }
            for (int step = 0; step < STEPS; step++) {
                double[] x = new double[size];
                for (int i = 0; i < size; i++) {
                    float v = (float) (10 * step + (1 + step) * rnd.nextGaussian());
                    src.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
                    x[i] = v;
                }
                k.forwardTraining(src, dst, ones, zeros, batchMean, batchVar, runningMean, runningVar);
                BatchNormReference.Forward f = BatchNormReference.forwardTraining(d, x, null, null);
                double[][] r = BatchNormReference.runningUpdate(d, mean, var, f.mean(), f.variance());
                mean = r[0];
                var = r[1];
                for (int c = 0; c < channels; c++) {
                    float gotMean = runningMean.getAtIndex(ValueLayout.JAVA_FLOAT, c);
                    float gotVar = runningVar.getAtIndex(ValueLayout.JAVA_FLOAT, c);
                    double errMean = Math.abs(gotMean - mean[c]) / (1 + Math.abs(mean[c]));
                    double errVar = Math.abs(gotVar - var[c]) / (1 + Math.abs(var[c]));
                    String at = path.name() + " step " + step + " channel " + c;
                    assertTrue(errMean <= bound, at + ": running mean " + gotMean + ", expected " + mean[c]);
                    assertTrue(errVar <= bound, at + ": running var " + gotVar + ", expected " + var[c]);
                }
            }
        }
    }
}
