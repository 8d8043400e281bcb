package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorExpTest {

    private static float exp(float x) {
        return VectorExp.exp(FloatVector.broadcast(FloatSpecies.F, x)).lane(0);
    }

    /** Every 61st float of the normal-result range, lane by lane through full vectors. */
    @Test
    void expIsWithinTwoUlpOfMathExpWhereTheResultIsNormal() {
        float[] x = new float[FloatSpecies.F.length()];
        double worst = 0;
        for (int sign = -1; sign <= 1; sign += 2) {
            int end = Float.floatToIntBits(sign < 0 ? 86.6f : 88.72f); // beyond -86.6 results near 2^-125 flush
            for (int bits = 0; bits <= end; bits += 61 * x.length) {
                for (int k = 0; k < x.length; k++) {
                    x[k] = sign * Float.intBitsToFloat(Math.min(bits + 61 * k, end));
                }
                FloatVector e = VectorExp.exp(FloatVector.fromArray(FloatSpecies.F, x, 0));
                for (int k = 0; k < x.length; k++) {
                    double reference = Math.exp(x[k]);
                    double ulps = Math.abs(e.lane(k) - reference) / Math.ulp((float) reference);
                    worst = Math.max(worst, ulps);
                    if (ulps > 2) {
                        fail("exp(" + x[k] + ") = " + e.lane(k) + ", Math.exp gives " + reference + ": " + ulps + " ulp");
                    }
                }
            }
        }
        assertTrue(worst > 0.25, "the sample should reach rounding errors, worst was " + worst + " ulp");
    }

    @Test
    void specialValuesOverflowAndUnderflow() {
        assertTrue(Float.isNaN(exp(Float.NaN)));
        assertEquals(1f, exp(0f));
        assertEquals(1f, exp(-0f));
        assertEquals(Float.POSITIVE_INFINITY, exp(Float.POSITIVE_INFINITY));
        assertEquals(0f, exp(Float.NEGATIVE_INFINITY));
        assertEquals((float) Math.exp(88.72f), exp(88.72f), Math.ulp((float) Math.exp(88.72f)) * 2);
        assertEquals(Float.POSITIVE_INFINITY, exp(88.73f)); // e^88.73 > MAX_VALUE
        assertEquals(Float.POSITIVE_INFINITY, exp(89.5f));
        assertEquals(Float.POSITIVE_INFINITY, exp(1e30f));
        assertTrue(exp(-86.5f) > 0f);
        assertEquals(0f, exp(-87.5f)); // documented flush: no subnormal results
        assertEquals(0f, exp(-1e30f));
    }

    @Test
    void expOfSumKeepsTheLowPart() {
        // e^(10 + 1e-6) differs from e^10 by about 8 ulp: the low part must not be lost
        float hi = 10f;
        float lo = 1e-6f;
        float got = VectorExp.expOfSum(FloatVector.broadcast(FloatSpecies.F, hi), FloatVector.broadcast(FloatSpecies.F, lo))
                .lane(0);
        double reference = Math.exp((double) hi + lo);
        assertEquals(reference, got, 2 * Math.ulp((float) reference));
        assertTrue(Math.abs(got - Math.exp(hi)) > 4 * Math.ulp((float) reference), "the low part changed nothing");
    }
}
