package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The hand-written vector exp against {@link Math#exp} on every range it must handle. */
class VectorExpTest {

    /** exp of each element, a vector at a time. */
    private static float[] exp(float[] xs) {
        int lanes = FloatSpecies.F.length();
        float[] padded = Arrays.copyOf(xs, (xs.length + lanes - 1) / lanes * lanes);
        float[] out = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            VectorExp.exp(FloatVector.fromArray(FloatSpecies.F, padded, i)).intoArray(out, i);
        }
        return Arrays.copyOf(out, xs.length);
    }

    /** Distance in representable floats between two non-negative values. */
    private static long ulps(float a, float b) {
        return Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    @Test
    void withinOneUlpOfCorrectlyRoundedFromSubnormalToOverflow() {
        int n = 200_001;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = -104f + 193f * i / (n - 1);
        float[] got = exp(xs);
        long worst = 0;
        float worstX = 0;
        for (int i = 0; i < n; i++) {
            long d = ulps(got[i], (float) Math.exp(xs[i]));
            if (d > worst) {
                worst = d;
                worstX = xs[i];
            }
        }
        assertTrue(worst <= 1, "exp(" + worstX + ") is " + worst + " ulps off");
    }

    @Test
    void smallArgumentsAreWithinOneUlp() {
        float[] xs = {0f, -0f, 1e-7f, -1e-7f, 1e-3f, 0.3465f, -0.3466f, 1f, -1f};
        float[] got = exp(xs);
        for (int i = 0; i < xs.length; i++) {
            assertTrue(ulps(got[i], (float) Math.exp(xs[i])) <= 1, "exp(" + xs[i] + ") = " + got[i]);
        }
        assertEquals(1f, got[0]);
    }

    @Test
    void specialValuesFollowTheMath() {
        float[] xs = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -1e30f, 1e30f, -88f, -103.5f,
            88.72f, 88.73f, -Float.MAX_VALUE, Float.MAX_VALUE};
        float[] got = exp(xs);
        assertEquals(0f, got[0]);
        assertEquals(Float.POSITIVE_INFINITY, got[1]);
        assertTrue(Float.isNaN(got[2]));
        assertEquals(0f, got[3]);
        assertEquals(Float.POSITIVE_INFINITY, got[4]);
        assertEquals((float) Math.exp(-88), got[5]); // subnormal result, rounded once
        assertEquals((float) Math.exp(-103.5), got[6]); // among the smallest subnormals
        assertTrue(ulps(got[7], (float) Math.exp(xs[7])) <= 2, "just below Float.MAX_VALUE: " + got[7]);
        assertEquals(Float.POSITIVE_INFINITY, got[8]);
        assertEquals(0f, got[9]);
        assertEquals(Float.POSITIVE_INFINITY, got[10]);
    }
}
