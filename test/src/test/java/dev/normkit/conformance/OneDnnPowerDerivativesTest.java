package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.Shape;
import org.junit.jupiter.api.Test;

/** The pow/square excusal of the onednn path is exactly as wide as its class comment says, worked out by hand. */
class OneDnnPowerDerivativesTest {

    private static ActivationDesc pow(float a, float b) {
        return ActivationDesc.of(Activation.POW, Shape.of(1)).withAlpha(a).withBeta(b);
    }

    @Test
    void powIsExcusedOnlyWhereAnIntermediateLeavesTheNormalRange() {
        ActivationDesc cube = pow(1f, 3f);
        assertFalse(OneDnnPowerDerivatives.excused(cube, 2f), "8, 4 and 12 are normal");
        assertFalse(OneDnnPowerDerivatives.excused(cube, -1e12f), "1e36 is below MAX");
        assertTrue(OneDnnPowerDerivatives.excused(cube, 0x1p43f), "s^3 = 2^129 overflows");
        assertTrue(OneDnnPowerDerivatives.excused(cube, 0x1p-43f), "s^3 = 2^-129 is subnormal");
        assertTrue(OneDnnPowerDerivatives.excused(cube, 0f), "s^3 = 0");
        // a s^(b-1) beyond MAX although b a s^(b-1) is not: b = -0.5 at s = 1.5 2^-86, s^-1.5 = 2^128.12, half that
        // 2^127.12
        assertTrue(OneDnnPowerDerivatives.excused(pow(1f, -0.5f), 1.5f * 0x1p-86f));
        assertFalse(OneDnnPowerDerivatives.excused(pow(1f, -0.5f), 0x1p-80f), "2^120 and 2^119");
        // b = 0.5: only -0
        assertTrue(OneDnnPowerDerivatives.excused(pow(1f, 0.5f), -0f));
        assertFalse(OneDnnPowerDerivatives.excused(pow(1f, 0.5f), 0f));
        assertFalse(OneDnnPowerDerivatives.excused(pow(1f, 0.5f), 0x1p-140f));
        // never for b = 0, b = 1 or a = 0
        assertFalse(OneDnnPowerDerivatives.excused(pow(1f, 0f), 0f));
        assertFalse(OneDnnPowerDerivatives.excused(pow(2f, 1f), Float.MAX_VALUE));
        assertFalse(OneDnnPowerDerivatives.excused(pow(0f, 3f), 0x1p43f));
    }

    @Test
    void squareIsExcusedFromTwoToThe127On() {
        ActivationDesc square = ActivationDesc.of(Activation.SQUARE, Shape.of(1));
        assertTrue(OneDnnPowerDerivatives.excused(square, 0x1p127f));
        assertTrue(OneDnnPowerDerivatives.excused(square, -Float.MAX_VALUE));
        assertFalse(OneDnnPowerDerivatives.excused(square, Math.nextDown(0x1p127f)));
        assertFalse(OneDnnPowerDerivatives.excused(square, 0f));
    }
}
