package dev.normkit;

import java.util.Random;

/** Seeded inputs for the unit tests. */
final class TestData {
    private TestData() {}

    /** Lengths around the 4-, 8- and 16-lane vector widths and their unrolled groups, plus long odd rows. */
    static final int[] AWKWARD_LENGTHS = {1, 7, 8, 9, 15, 17, 1000, 1023, 1025};

    static float[] normal(long seed, int n, double mean, double sd) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (mean + sd * r.nextGaussian());
        return a;
    }

    static float[] normal(long seed, int n) {
        return normal(seed, n, 0, 1);
    }
}
