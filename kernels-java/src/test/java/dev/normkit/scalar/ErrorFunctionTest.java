package dev.normkit.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.normkit.ReferenceErf;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ErrorFunctionTest {

    /**
     * Cody's approximations are good to ~1e-18, so what is left is double rounding (a few ulp); the reference's own
     * erfc error grows like x^2 * 1e-16 (see ReferenceErf), which the bound includes. Subnormal results (erfc beyond
     * 26.5, where Cody's routine returns 0) count as 0.
     */
    private static double bound(double x, double reference) {
        return (4e-15 + 1.2e-16 * x * x) * Math.abs(reference) + Double.MIN_NORMAL;
    }

    @Test
    void erfAndErfcMatchAnIndependentSeriesAndContinuedFraction() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            double x = switch (i % 4) {
                case 0 -> -6 + 12.0 * i / 20_000;          // dense where both functions change
                case 1 -> random.nextDouble(-0.6, 0.6);    // Cody's first interval and its edge at 0.46875
                case 2 -> random.nextDouble(-27, 27);      // to the underflow of erfc
                default -> Math.scalb(random.nextDouble(1, 2), -random.nextInt(1, 1000)); // tiny
            };
            expectClose("erf", x, ReferenceErf.erf(x), ErrorFunction.erf(x));
            expectClose("erfc", x, ReferenceErf.erfc(x), ErrorFunction.erfc(x));
        }
    }

    @Test
    void erfcKeepsItsRelativeAccuracyDeepInTheTail() {
        for (double x : new double[] {4.0, 4.0000001, 6.5, 10, 15, 20, 26}) {
            double reference = ReferenceErf.erfc(x);
            assertTrue(reference > 0 && reference < 1e-7, "reference erfc(" + x + ") = " + reference);
            expectClose("erfc", x, reference, ErrorFunction.erfc(x));
        }
    }

    @Test
    void specialValuesAndSymmetry() {
        assertEquals(0.0, ErrorFunction.erf(0.0));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(ErrorFunction.erf(-0.0)));
        assertEquals(1.0, ErrorFunction.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, ErrorFunction.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, ErrorFunction.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, ErrorFunction.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, ErrorFunction.erfc(27.0));
        assertTrue(Double.isNaN(ErrorFunction.erf(Double.NaN)));
        assertTrue(Double.isNaN(ErrorFunction.erfc(Double.NaN)));
        for (double x = 0.01; x < 8; x *= 1.1) {
            assertEquals(-ErrorFunction.erf(x), ErrorFunction.erf(-x), "erf is odd at " + x);
            // 1 + erf(x) and 2 - erfc(x) round differently
            assertEquals(2.0 - ErrorFunction.erfc(x), ErrorFunction.erfc(-x), Math.ulp(2.0),
                    "erfc(-x) = 2 - erfc(x) at " + x);
        }
    }

    private static void expectClose(String f, double x, double reference, double actual) {
        double err = Math.abs(actual - reference);
        if (!(err <= bound(x, reference))) {
            fail(f + "(" + x + "): reference " + reference + ", got " + actual + ", relative error "
                    + err / Math.abs(reference));
        }
    }
}
