package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.normkit.Shape;
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
        return Conformance.cases(new Selection(List.of(), List.of(), List.of(SHAPE))).stream().flatMap(c -> {
            CaseData data = CaseData.prepare(c);
            OneDnnDifferences.Exclusion excl = OneDnnDifferences.forCase(c, data, "onednn");
            if (c.family() == InputFamily.PIECEWISE_KINKS) {
                return Stream.of(dynamicTest(c.name() + ": finite kinks excuse only oneDNN's hard kink inputs",
                        () -> assertEquals(hardKinkInputs(c, data), excl.count(), excl.reason())));
            }
            if (c.family() != InputFamily.NAN_INF) {
                return Stream.of(dynamicTest(c.name() + ": finite inputs excuse nothing",
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
            for (int i = 0; i < v.length; i++) if (mask[i]) v[i] = GARBAGE[i % GARBAGE.length];
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
