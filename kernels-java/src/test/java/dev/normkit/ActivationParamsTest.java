package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Parameter handling of the whole catalogue at the descriptor: defaults accepted and equal to what {@link Activation}
 * publishes, an unused slot rejected when non-zero, each used parameter's range enforced with a message naming the
 * slot and the parameter, NaN and infinities refused everywhere, and {@link Activation#byName} round trips.
 */
class ActivationParamsTest {

    private static final Shape SHAPE = Shape.of(3);

    private static IllegalArgumentException rejected(Activation a, float alpha, float beta) {
        return assertThrows(IllegalArgumentException.class, () -> new ActivationDesc(a, SHAPE, alpha, beta),
                a.kernelName() + " alpha=" + alpha + " beta=" + beta);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void defaultsAreAcceptedAndAreThoseTheCataloguePublishes(Activation a) {
        ActivationDesc d = ActivationDesc.of(a, SHAPE);
        assertEquals(a.alpha().defaultValue(), d.alpha(), a.kernelName());
        assertEquals(a.beta().defaultValue(), d.beta(), a.kernelName());
        assertEquals(a.defaultAlpha(), d.alpha());
        assertEquals(a.defaultBeta(), d.beta());
        // an unused slot defaults to 0, the one value it accepts
        if (!a.alpha().used()) assertEquals(0f, d.alpha());
        if (!a.beta().used()) assertEquals(0f, d.beta());
        assertTrue(a.alpha().accepts(d.alpha()) && a.beta().accepts(d.beta()), a.kernelName());
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void aNonZeroValueInAnUnusedSlotIsRejectedNamingTheSlot(Activation a) {
        if (!a.alpha().used()) {
            IllegalArgumentException e = rejected(a, -0.66f, a.defaultBeta());
            assertTrue(e.getMessage().startsWith("alpha: " + a.kernelName() + " takes no alpha"), e.getMessage());
        }
        if (!a.beta().used()) {
            IllegalArgumentException e = rejected(a, a.defaultAlpha(), 2f);
            assertTrue(e.getMessage().startsWith("beta: " + a.kernelName() + " takes no beta"), e.getMessage());
        }
    }

    @Test
    void geluErfWithAlphaMinus066IsRejected() {
        IllegalArgumentException e = rejected(Activation.GELU_ERF, -0.66f, 0f);
        assertEquals("alpha: gelu_erf takes no alpha (it must be 0), got -0.66", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void nanAndInfinitiesAreRejectedInEverySlot(Activation a) {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = rejected(a, bad, a.defaultBeta());
            assertTrue(e.getMessage().startsWith("alpha"), e.getMessage());
            e = rejected(a, a.defaultAlpha(), bad);
            assertTrue(e.getMessage().startsWith("beta"), e.getMessage());
        }
    }

    /** Each range boundary of the catalogue, with the message naming slot and parameter. */
    @Test
    void eachUsedParametersRangeIsEnforcedNamingSlotAndParameter() {
        expect(Activation.CELU, 0f, 0f, "alpha (alpha, ");
        expect(Activation.CELU, -1f, 0f, "alpha (alpha, ");
        expect(Activation.SOFTPLUS, 0f, 20f, "alpha (beta, ");
        expect(Activation.HARDSHRINK, -0.1f, 0f, "alpha (lambd, ");
        expect(Activation.SOFTSHRINK, -0.1f, 0f, "alpha (lambd, ");
        expect(Activation.LEAKY_HARDTANH, 0f, 0f, "alpha (slope, ");
        expect(Activation.LEAKY_HARDTANH_INVERSE, -0.03f, 0f, "alpha (slope, ");
        expect(Activation.HARDTANH, 2f, 1f, "beta (max_val) of hardtanh: must be >= alpha (min_val = 2.0), got 1.0");
        expect(Activation.CLIP, 0.5f, 0.25f, "beta (hi) of clip: must be >= alpha (lo = 0.5)");
        expect(Activation.CLIP_V2, 0.5f, 0.25f, "beta (hi) of clip_v2: must be >= alpha (lo = 0.5)");
        // the boundaries themselves, where closed, are accepted
        new ActivationDesc(Activation.HARDSHRINK, SHAPE, 0f, 0f);
        new ActivationDesc(Activation.SOFTSHRINK, SHAPE, 0f, 0f);
        new ActivationDesc(Activation.HARDTANH, SHAPE, 0.5f, 0.5f);
        new ActivationDesc(Activation.CLIP_V2, SHAPE, -2f, -2f);
        new ActivationDesc(Activation.CELU, SHAPE, Float.MIN_VALUE, 0f);
        // any finite value where the range is the whole line
        new ActivationDesc(Activation.POW, SHAPE, -3f, -2.5f);
        new ActivationDesc(Activation.LEAKY_RELU, SHAPE, -5f, 0f);
        new ActivationDesc(Activation.SOFTPLUS, SHAPE, 1f, -20f);
    }

    private static void expect(Activation a, float alpha, float beta, String messageStart) {
        IllegalArgumentException e = rejected(a, alpha, beta);
        assertTrue(e.getMessage().startsWith(messageStart), a.kernelName() + ": " + e.getMessage());
        String slot = messageStart.substring(0, messageStart.indexOf(' '));
        ActivationParam p = slot.equals("alpha") ? a.alpha() : a.beta();
        assertTrue(e.getMessage().contains(p.name()), e.getMessage());
    }

    @Test
    void withAlphaAndWithBetaCheckToo() {
        ActivationDesc d = ActivationDesc.of(Activation.SILU, SHAPE);
        assertThrows(IllegalArgumentException.class, () -> d.withAlpha(1f));
        ActivationDesc h = ActivationDesc.of(Activation.HARDTANH, SHAPE);
        assertThrows(IllegalArgumentException.class, () -> h.withAlpha(1.5f)); // above max_val = 1
        assertEquals(1.5f, h.withBeta(2f).withAlpha(1.5f).alpha());
    }

    @Test
    void byNameRoundTripsEveryNameAndRejectsUnknownOnesListingTheKnown() {
        Set<String> names = new HashSet<>();
        for (Activation a : Activation.values()) {
            assertSame(a, Activation.byName(a.kernelName()));
            assertTrue(names.add(a.kernelName()), "duplicate name " + a.kernelName());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.byName("gelu"));
        assertTrue(e.getMessage().startsWith("activation: unknown name 'gelu'"), e.getMessage());
        for (String n : names) assertTrue(e.getMessage().contains(n), n + " missing from: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Activation.byName("RELU"));
    }

    @Test
    void everyUsedParameterHasANameAMeaningAndADefaultInItsRange() {
        for (Activation a : Activation.values()) {
            for (ActivationParam p : new ActivationParam[] {a.alpha(), a.beta()}) {
                if (!p.used()) {
                    assertEquals("0 (not used)", p.range());
                    continue;
                }
                assertTrue(!p.name().isEmpty() && !p.meaning().isEmpty(), a.kernelName());
                assertTrue(p.accepts(p.defaultValue()), a.kernelName() + " " + p.name());
                assertTrue(p.range().startsWith("finite"), p.range());
            }
        }
    }
}
