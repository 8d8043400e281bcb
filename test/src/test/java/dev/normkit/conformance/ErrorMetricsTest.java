package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The error metrics measure what they claim, and the NaN/inf policy rejects every kind of disagreement. */
class ErrorMetricsTest {

    @Test
    void ulpDistanceCountsRepresentableStepsAcrossZeroAndToInfinity() {
        assertEquals(0, ErrorMetrics.ulpDistance(1f, 1f));
        assertEquals(0, ErrorMetrics.ulpDistance(0f, -0f));
        assertEquals(1, ErrorMetrics.ulpDistance(1f, Math.nextUp(1f)));
        assertEquals(3, ErrorMetrics.ulpDistance(-2f, Math.nextDown(Math.nextDown(Math.nextDown(-2f)))));
        assertEquals(2, ErrorMetrics.ulpDistance(Float.MIN_VALUE, -Float.MIN_VALUE));
        assertEquals(1, ErrorMetrics.ulpDistance(Float.MAX_VALUE, Float.POSITIVE_INFINITY));
        assertEquals(1 << 23, ErrorMetrics.ulpDistance(1f, 2f));
    }

    @Test
    void relativeErrorUsesTheFloorForSmallReferenceValues() {
        double[] ref = {1.0, 1e-9};
        float[] got = {1.0f + 0x1p-23f, 1e-9f};
        ErrorMetrics.Comparison c = ErrorMetrics.compare("dst", got, ref, null, 1e-3, 1e-6, null);
        assertEquals((double) 0x1p-23f, c.maxRel(), 0.0);
        assertEquals(0x1p-23f, c.maxAbs(), 1e-20);
        // The tiny element counts against the floor (1e-9 / 1e-3), not against itself (100 %).
        ErrorMetrics.Comparison tiny = ErrorMetrics.compare("dst", new float[] {1f, 2e-9f}, ref, null, 1e-3, 1e-6, null);
        assertEquals(1e-9 / 1e-3, tiny.maxRel(), 1e-12);
        assertEquals(0.0, tiny.maxUlp(), "ulps are counted only at or above the floor");
    }

    @Test
    void anElementsErrorScaleReplacesItsValueWhereTermsCancel() {
        // gelu(-5) ~ -1.4e-6 is computed from terms of size ~5: an error of 1e-8 is 2e-9 of the scale, not 0.7 %.
        double[] ref = {-1.4e-6};
        float[] got = {(float) (-1.4e-6 + 1e-8)};
        ErrorMetrics.Comparison c = ErrorMetrics.compare("dst", got, ref, new double[] {5.0}, 1e-30, 1e-6, null);
        assertEquals(1e-8 / 5.0, c.maxRel(), 1e-12);
        assertEquals(0.0, c.maxUlp(), "ulps of a value far below its scale are not counted");
        ErrorMetrics.Comparison unscaled = ErrorMetrics.compare("dst", got, ref, null, 1e-30, 1e-6, null);
        assertEquals(1e-8 / 1.4e-6, unscaled.maxRel(), 1e-5);
    }

    @Test
    void ulpIsMeasuredAgainstTheReferenceRoundedToFloat() {
        double r = 1.0 + 0x1p-25; // rounds to 1.0f
        ErrorMetrics.Comparison c = ErrorMetrics.compare("dst", new float[] {Math.nextUp(1f)}, new double[] {r},
                null, 1e-30, 1e-6, null);
        assertEquals(1.0, c.maxUlp());
    }

    @Test
    void nanMustBeMatchedByNanAndFiniteByFinite() {
        double nan = Double.NaN;
        assertEquals(0, ErrorMetrics.compare("dst", new float[] {Float.NaN}, new double[] {nan}, null, 1, 1e-6, null)
                .specialMismatches());
        assertEquals(1, ErrorMetrics.compare("dst", new float[] {0f}, new double[] {nan}, null, 1, 1e-6, null)
                .specialMismatches(), "reference NaN, got a number");
        assertEquals(1, ErrorMetrics.compare("dst", new float[] {Float.NaN}, new double[] {0.5}, null, 1, 1e-6, null)
                .specialMismatches(), "reference finite, got NaN");
        assertEquals(1, ErrorMetrics.compare("dst", new float[] {Float.POSITIVE_INFINITY}, new double[] {0.5},
                null, 1, 1e-6, null).specialMismatches(), "reference finite, got inf");
        assertEquals(1, ErrorMetrics.compare("dst", new float[] {Float.NEGATIVE_INFINITY},
                new double[] {Double.POSITIVE_INFINITY}, null, 1, 1e-6, null).specialMismatches(), "wrong infinity");
        assertEquals(1, ErrorMetrics.compare("dst", new float[] {Float.NaN},
                new double[] {Double.NEGATIVE_INFINITY}, null, 1, 1e-6, null).specialMismatches(), "NaN for an infinity");
        assertEquals(0, ErrorMetrics.compare("dst", new float[] {Float.NEGATIVE_INFINITY},
                new double[] {Double.NEGATIVE_INFINITY}, null, 1, 1e-6, null).specialMismatches());
    }

    @Test
    void aReferenceBeyondFloatRangeMayBeMatchedByTheInfinityItRoundsTo() {
        ErrorMetrics.Comparison c = ErrorMetrics.compare("dst", new float[] {Float.POSITIVE_INFINITY},
                new double[] {4e38}, null, 1, 1e-6, null);
        assertEquals(0, c.specialMismatches());
    }

    @Test
    void aFiniteReferenceWhoseToleranceBandReachesOverflowMayBeMatchedByItsInfinity() {
        // gelu(MAX_VALUE) = MAX_VALUE exactly; a result 1 u too large already rounds to +inf.
        double max = Float.MAX_VALUE;
        assertEquals(0, ErrorMetrics.compare("dst", new float[] {Float.POSITIVE_INFINITY}, new double[] {max}, null, 1,
                16 * 0x1p-24, null).specialMismatches());
        assertEquals(0, ErrorMetrics.compare("dst", new float[] {Float.NEGATIVE_INFINITY}, new double[] {-max}, null,
                1, 16 * 0x1p-24, null).specialMismatches());
        assertEquals(1, ErrorMetrics.compare("dst", new float[] {Float.NEGATIVE_INFINITY}, new double[] {max}, null, 1,
                16 * 0x1p-24, null).specialMismatches(), "the wrong sign");
        assertEquals(1, ErrorMetrics.compare("dst", new float[] {Float.POSITIVE_INFINITY}, new double[] {0.5 * max},
                null, 1, 16 * 0x1p-24, null).specialMismatches(), "half of MAX_VALUE is far inside the band");
        assertEquals(1, ErrorMetrics.compare("dst", new float[] {Float.NaN}, new double[] {max}, null, 1,
                16 * 0x1p-24, null).specialMismatches(), "NaN is never within tolerance");
    }

    @Test
    void mismatchNamesTheOutputTheIndexAndBothValues() {
        ErrorMetrics.Comparison c = ErrorMetrics.compare("diff_src", new float[] {1f, Float.NaN},
                new double[] {1, 2}, null, 1, 1e-6, null);
        assertTrue(c.firstMismatch().contains("diff_src[1]"), c.firstMismatch());
        assertTrue(c.firstMismatch().contains("NaN") && c.firstMismatch().contains("2.0"), c.firstMismatch());
    }

    @Test
    void excludedElementsAreSkippedAndCounted() {
        ErrorMetrics.Comparison c = ErrorMetrics.compare("dst", new float[] {0f, 5f}, new double[] {Double.NaN, 5},
                null, 1, 1e-6, new boolean[] {true, false});
        assertEquals(0, c.specialMismatches());
        assertEquals(1, c.excluded());
        assertEquals(0, c.excludedAgreeing(), "0 for a NaN reference does not follow the policy");
        assertEquals(1, c.compared());
        ErrorMetrics.Comparison agreeing = ErrorMetrics.compare("dst", new float[] {Float.NaN},
                new double[] {Double.NaN}, null, 1, 1e-6, new boolean[] {true});
        assertEquals(1, agreeing.excludedAgreeing());
    }
}
