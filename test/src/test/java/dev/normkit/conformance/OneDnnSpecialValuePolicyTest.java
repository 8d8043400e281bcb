package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.normkit.Activation;
import dev.normkit.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The onednn special-value policy (CONFORMANCE.md) excuses exactly the output elements that depend on NaN or infinite
 * inputs, on the onednn path only, and nothing computed from finite inputs: whatever oneDNN's ISA returns in the
 * excused places passes, and a wrong value anywhere else still fails.
 */
class OneDnnSpecialValuePolicyTest {

    private static final Shape SHAPE = Shape.of(8, 17);
    private static final float[] GARBAGE = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, 7f};

    @TestFactory
    Stream<DynamicTest> onlyElementsThatDependOnNonFiniteInputsAreExcused() {
        return Conformance.cases(new Selection(List.of(), List.of(), List.of(SHAPE))).stream()
                .filter(c -> !c.kernel().oneDnnHasNoPrimitive()) // never compared on onednn
                .flatMap(c -> {
            CaseData data = CaseData.prepare(c);
            OneDnnDifferences.Exclusion excl = OneDnnDifferences.forCase(c, data, "onednn");
            if (c.family() == InputFamily.PIECEWISE_KINKS) {
                return Stream.of(dynamicTest(c.name() + ": finite kinks excuse only oneDNN's hard kink inputs",
                        () -> assertEquals(hardKinkInputs(c, data), excl.count(), excl.reason())));
            }
            int derived = derivedNonFiniteInputs(c, data);
            if (c.family() != InputFamily.NAN_INF) {
                return Stream.of(dynamicTest(c.name() + ": finite inputs excuse nothing but the documented differences",
                        () -> assertEquals(derived + expOverflowInputs(c, data) + powerDerivatives(c, data),
                                excl.count(), excl.reason())));
            }
            if (derived == 0) { // backward from dst of a bounded activation: its dst is finite even at +-inf
                return Stream.of(dynamicTest(c.name() + ": no non-finite input reaches the case, nothing excused",
                        () -> assertEquals(0, excl.count(), excl.reason())));
            }
            return Stream.of(
                    dynamicTest(c.name() + ": any value where excused passes on onednn", () -> {
                        assertTrue(excl.count() > 0, "nan_inf inputs excuse something");
                        ConformanceTests.assertPasses(
                                Conformance.evaluate(c, data, "onednn", "onednn", garbageWhereExcused(data, excl)));
                    }),
                    dynamicTest(c.name() + ": the same values fail on the Java paths", () -> {
                        CheckResult r = Conformance.evaluate(c, data, "vector", "vector", garbageWhereExcused(data, excl));
                        assertFalse(r.pass(), () -> "vector was excused: " + r);
                    }),
                    dynamicTest(c.name() + ": NaN where nothing is excused fails on onednn", () -> {
                        Map<String, float[]> out = rounded(data);
                        if (!poisonOneKeptElement(data, excl, out)) return; // every element depends on a special value
                        CheckResult r = Conformance.evaluate(c, data, "onednn", "onednn", out);
                        assertFalse(r.pass(), () -> "a NaN from finite inputs passed: " + r);
                    }));
        });
    }

    /** The src elements of a hardsigmoid/hardswish backward case at -3, 3 - ulp or 3 (OneDnnHardKinks); else 0. */
    private static int hardKinkInputs(ConformanceCase c, CaseData data) {
        if (c.direction() != Direction.BACKWARD || c.kernel().activation().isEmpty()) return 0;
        int n = 0;
        for (float s : data.inputs().get("src")) {
            if (OneDnnHardKinks.differs(c.kernel().activation().get(), s)) n++;
        }
        return n;
    }

    /**
     * Elements of an activation case with a non-finite input: the family's specials, or a dst the forward made
     * infinite from a finite src (exp of 100, backward from dst). Other kernels' inputs are the family's own: 0 for a
     * finite family, and -1 (some, uncounted) for nan_inf.
     */
    private static int derivedNonFiniteInputs(ConformanceCase c, CaseData data) {
        if (c.kernel().family() != KernelId.Family.ACTIVATION) return c.family() == InputFamily.NAN_INF ? -1 : 0;
        int n = 0;
        int length = data.inputs().values().iterator().next().length;
        for (int i = 0; i < length; i++) {
            boolean special = false;
            for (float[] in : data.inputs().values()) special |= !Float.isFinite(in[i]);
            if (special) n++;
        }
        return n;
    }

    /** exp backward's finite src above ln(MAX_VALUE), where oneDNN's e^s overflows (ExpOverflowDifference); else 0. */
    private static int expOverflowInputs(ConformanceCase c, CaseData data) {
        if (c.direction() != Direction.BACKWARD || c.kernel().activation().orElse(null) != Activation.EXP) return 0;
        int n = 0;
        for (float s : data.inputs().get("src")) {
            if (Float.isFinite(s) && s > Math.log(Float.MAX_VALUE)) n++;
        }
        return n;
    }

    /** pow and square backward's documented finite-input difference (OneDnnPowerDerivatives, pinned on its own). */
    private static int powerDerivatives(ConformanceCase c, CaseData data) {
        return OneDnnPowerDerivatives.excuse(c, data, new HashMap<>());
    }

    private static Map<String, float[]> rounded(CaseData data) {
        Map<String, float[]> out = new LinkedHashMap<>();
        data.expected().forEach((name, ref) -> out.put(name, CaseData.narrow(ref)));
        return out;
    }

    private static Map<String, float[]> garbageWhereExcused(CaseData data, OneDnnDifferences.Exclusion excl) {
        Map<String, float[]> out = rounded(data);
        out.forEach((name, v) -> {
            boolean[] mask = excl.mask(name);
            if (mask == null) return;
            for (int i = 0; i < v.length; i++) {
                // never the expected value itself (a NaN or an infinity where one is expected would prove nothing)
                if (mask[i]) v[i] = GARBAGE[i % GARBAGE.length] == v[i] || Float.isNaN(v[i]) ? 7f : GARBAGE[i % GARBAGE.length];
            }
        });
        return out;
    }

    /** Puts a NaN in the first output element with a finite reference that is not excused; false if none. */
    private static boolean poisonOneKeptElement(CaseData data, OneDnnDifferences.Exclusion excl,
            Map<String, float[]> out) {
        for (Map.Entry<String, double[]> e : data.expected().entrySet()) {
            boolean[] mask = excl.mask(e.getKey());
            double[] ref = e.getValue();
            for (int i = 0; i < ref.length; i++) {
                if ((mask == null || !mask[i]) && Double.isFinite(ref[i])) {
                    out.get(e.getKey())[i] = Float.NaN;
                    return true;
                }
            }
        }
        return false;
    }
}
