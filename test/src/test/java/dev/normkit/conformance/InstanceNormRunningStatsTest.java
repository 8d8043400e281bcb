package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.ChannelLayout;
import dev.normkit.InstanceNormDesc;
import dev.normkit.InstanceNormKernel;
import dev.normkit.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Instance norm's running statistics over several training steps on every available path, against PyTorch's update
 * computed here in double from the data: each (sample, channel) gets its own offset and spread, changing per step, so a
 * path that takes the batch's statistics instead of the instances' average, forgets the unbiasing {@code m / (m - 1)}
 * over the spatial positions (not over N*H*W), skips a step or swaps momentum and 1 - momentum drifts away. Then
 * inference forward must normalize by the running statistics reached.
 */
class InstanceNormRunningStatsTest {

    private static final int STEPS = 4;

    @TestFactory
    Stream<DynamicTest> runningStatisticsFollowPyTorchsUpdateOverSeveralSteps() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend path : Backends.available()) {
            for (InstanceNormDesc d : List.of(
                    InstanceNormDesc.of(Shape.of(4, 6, 5, 7)).withRunningStats(true).withMomentum(0.3f),
                    InstanceNormDesc.of(Shape.of(3, 5, 7, 6), ChannelLayout.NHWC).withRunningStats(true)
                            .withAffine(true),
                    InstanceNormDesc.of(Shape.of(2, 3, 4, 3, 5)).withRunningStats(true))) {
                tests.add(DynamicTest.dynamicTest(path.name() + " " + d.layout() + " " + d.shape(),
                        () -> checkSteps(path, d)));
            }
        }
        return tests.stream();
    }

    private static int at(InstanceNormDesc d, int n, int c, int s) {
        int sp = Math.toIntExact(d.spatial());
        int ch = Math.toIntExact(d.channels());
        return d.layout() == ChannelLayout.NHWC ? (n * sp + s) * ch + c : (n * ch + c) * sp + s;
    }

    private static void checkSteps(Backend path, InstanceNormDesc d) {
        int size = Math.toIntExact(d.shape().elementCount());
        int batch = Math.toIntExact(d.batch());
        int channels = Math.toIntExact(d.channels());
        int sp = Math.toIntExact(d.spatial());
        double k = d.momentum();
        SplittableRandom rnd = new SplittableRandom(9);
        double[] mean = new double[channels];
        double[] var = new double[channels];
        Arrays.fill(var, 1.0);
        // The bound of the direction that produces them, relative to |expected| + 1 (values of order 1 to 100).
        double bound = Tolerances.of(KernelId.INSTANCE_NORM, Direction.FORWARD_TRAINING, d.spatial()).maxRel();
        try (InstanceNormKernel kernel = path.create(d); Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(ValueLayout.JAVA_FLOAT, size);
            MemorySegment dst = arena.allocate(ValueLayout.JAVA_FLOAT, size);
            MemorySegment ones = d.useScale() ? arena.allocate(ValueLayout.JAVA_FLOAT, channels) : null;
            MemorySegment zeros = d.useShift() ? arena.allocate(ValueLayout.JAVA_FLOAT, channels) : null;
            MemorySegment instMean = arena.allocate(ValueLayout.JAVA_FLOAT, (long) batch * channels);
            MemorySegment instVar = arena.allocate(ValueLayout.JAVA_FLOAT, (long) batch * channels);
            MemorySegment runningMean = arena.allocate(ValueLayout.JAVA_FLOAT, channels);
            MemorySegment runningVar = arena.allocate(ValueLayout.JAVA_FLOAT, channels);
            for (int c = 0; c < channels; c++) {
                if (ones != null) ones.setAtIndex(ValueLayout.JAVA_FLOAT, c, 1f);
                runningVar.setAtIndex(ValueLayout.JAVA_FLOAT, c, 1f);
            }
            for (int step = 0; step < STEPS; step++) {
                double[] x = new double[size];
                for (int n = 0; n < batch; n++) {
                    for (int c = 0; c < channels; c++) {
                        double offset = 10 * step + 3 * n - c;
                        double spread = 1 + step + 0.5 * n;
                        for (int s = 0; s < sp; s++) {
                            int i = at(d, n, c, s);
                            float v = (float) (offset + spread * rnd.nextGaussian());
                            src.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
                            x[i] = v;
                        }
                    }
                }
                kernel.forwardTraining(src, dst, ones, zeros, instMean, instVar, runningMean, runningVar);
                // PyTorch: running = (1 - k) running + k mean over n of (instance mean, unbiased instance variance).
                for (int c = 0; c < channels; c++) {
                    double meanOfMeans = 0;
                    double meanOfVars = 0;
                    for (int n = 0; n < batch; n++) {
                        double mu = 0;
                        for (int s = 0; s < sp; s++) mu += x[at(d, n, c, s)];
                        mu /= sp;
                        double sq = 0;
                        for (int s = 0; s < sp; s++) sq += (x[at(d, n, c, s)] - mu) * (x[at(d, n, c, s)] - mu);
                        meanOfMeans += mu / batch;
                        meanOfVars += sq / (sp - 1) / batch;
                    }
                    mean[c] = (1 - k) * mean[c] + k * meanOfMeans;
                    var[c] = (1 - k) * var[c] + k * meanOfVars;
                }
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
            // Inference now normalizes by the running statistics reached, not by the instances' own.
            kernel.forward(src, dst, ones, zeros, runningMean, runningVar);
            for (int i = 0; i < size; i++) {
                int c = d.layout() == ChannelLayout.NHWC ? i % channels : (i / sp) % channels;
                double rm = runningMean.getAtIndex(ValueLayout.JAVA_FLOAT, c);
                double rv = runningVar.getAtIndex(ValueLayout.JAVA_FLOAT, c);
                double expected = (src.getAtIndex(ValueLayout.JAVA_FLOAT, i) - rm) / Math.sqrt(rv + d.eps());
                float got = dst.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                assertTrue(Math.abs(got - expected) <= 1e-5 * (1 + Math.abs(expected)),
                        path.name() + " inference element " + i + ": " + got + ", expected " + expected);
            }
        }
    }
}
