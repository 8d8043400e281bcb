package dev.normkit;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison of a kernel's f32 output with a double reference. */
final class Close {
    private Close() {}

    /**
     * Passes when every {@code |actual - expected| <= tol * (floor + |expected|)}; NaN must meet NaN. {@code floor}
     * keeps near-zero values from demanding a relative accuracy nobody can give.
     */
    static void assertClose(String what, double[] expected, float[] actual, double tol, double floor) {
        assertClose(what, expected, actual, expected.length, tol, floor);
    }

    static void assertClose(String what, double[] expected, float[] actual, int count, double tol, double floor) {
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < count; i++) {
            double e = expected[i];
            float a = actual[i];
            if (Double.isNaN(e) || Float.isNaN(a)) {
                if (Double.isNaN(e) != Float.isNaN(a)) {
                    fail(what + ": element " + i + " is " + a + ", expected " + e);
                }
                continue;
            }
            if (Double.isInfinite(e) || Float.isInfinite(a)) {
                if (e != a) fail(what + ": element " + i + " is " + a + ", expected " + e);
                continue;
            }
            double err = Math.abs(a - e) / (floor + Math.abs(e));
            if (err > worst) {
                worst = err;
                worstAt = i;
            }
        }
        if (worst > tol) {
            fail(what + ": element " + worstAt + " is " + actual[worstAt] + ", expected " + expected[worstAt]
                    + " (scaled error " + worst + " > " + tol + ")");
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}
