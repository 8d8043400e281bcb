package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Comparing f32 kernel outputs with double references, and the test data they run on. */
final class Expect {

    private Expect() {}

    /** f32 results of O(1) values: a few ulps of the largest magnitudes plus what summing over a row loses. */
    static final double ABSOLUTE = 2e-5;
    static final double RELATIVE = 2e-5;

    /** Every element of {@code actual} within {@code ABSOLUTE + RELATIVE * |expected|} of {@code expected}. */
    static void close(double[] expected, MemorySegment actual, String what) {
        close(expected, Placement.read(actual), what);
    }

    static void close(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = ABSOLUTE + RELATIVE * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " +- " + tolerance
                        + ", got " + actual[i]);
            }
        }
    }

    /** Uniform values in [lo, hi) from a fixed seed. */
    static float[] uniform(long seed, long count, double lo, double hi) {
        Random random = new Random(seed);
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return values;
    }

    /** The floats widened to double. */
    static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** The doubles rounded to float. */
    static float[] narrow(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
