package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.normkit.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Proves the comparison the suite relies on can fail. For every kernel direction, on a small odd shape and each input
 * family, the correctly rounded reference passes, and each kind of wrong result fails: one element off by four times
 * the tolerance, a NaN where a number belongs, an output left unwritten, and a kernel reporting another path.
 */
class ComparisonCanFailTest {

    private static final Shape SHAPE = Shape.of(4, 17);

    @TestFactory
    Stream<DynamicTest> wrongResultsFailAndTheRoundedReferencePasses() {
        return Conformance.cases(new Selection(List.of(), List.of(), List.of(SHAPE))).stream()
                .flatMap(c -> {
                    CaseData data = CaseData.prepare(c);
                    return Stream.of(
                            dynamicTest(c.name() + ": rounded reference passes",
                                    () -> ConformanceTests.assertPasses(evaluate(c, data, rounded(data)))),
                            dynamicTest(c.name() + ": one element 4x tolerance off fails",
                                    () -> assertFails(evaluate(c, data, perturbed(c, data)))),
                            dynamicTest(c.name() + ": NaN for a number fails",
                                    () -> assertFails(evaluate(c, data, nanForNumber(data)))),
                            dynamicTest(c.name() + ": unwritten output fails",
                                    () -> assertFails(evaluate(c, data, unwritten(data)))),
                            dynamicTest(c.name() + ": kernel reporting another path fails", () -> {
                                CheckResult r = Conformance.evaluate(c, data, "vector", "scalar", rounded(data));
                                assertFails(r);
                                assertTrue(r.note().contains("silent fallback"), r.note());
                            }));
                });
    }

    private static CheckResult evaluate(ConformanceCase c, CaseData data, Map<String, float[]> outputs) {
        return Conformance.evaluate(c, data, "scalar", "scalar", outputs);
    }

    private static void assertFails(CheckResult r) {
        assertFalse(r.pass(), () -> "a wrong result passed: " + r);
    }

    /** The best any f32 path can do. */
    private static Map<String, float[]> rounded(CaseData data) {
        Map<String, float[]> out = new LinkedHashMap<>();
        data.expected().forEach((name, ref) -> out.put(name, CaseData.narrow(ref)));
        return out;
    }

    /**
     * The rounded reference with its largest finite element of the first output moved by 4x the tolerance towards zero
     * (away from zero, MAX_VALUE would round to an infinity, which its tolerance band admits).
     */
    private static Map<String, float[]> perturbed(ConformanceCase c, CaseData data) {
        Map<String, float[]> out = rounded(data);
        String first = data.expected().keySet().iterator().next();
        double[] ref = data.expected().get(first);
        Tolerance tol = Tolerances.of(c);
        int at = largestFinite(ref);
        double[] scales = data.scale(first);
        double scale = Math.max(tol.floor(), Math.max(Math.abs(ref[at]), scales == null ? 0 : scales[at]));
        // An all-zero output (instance norm without affine on constant rows) has no sign to move against: move it up.
        double direction = ref[at] == 0 ? 1 : -Math.signum(ref[at]);
        out.get(first)[at] = (float) (ref[at] + direction * 4 * tol.maxRel() * scale);
        return out;
    }

    private static Map<String, float[]> nanForNumber(CaseData data) {
        Map<String, float[]> out = rounded(data);
        String first = data.expected().keySet().iterator().next();
        out.get(first)[largestFinite(data.expected().get(first))] = Float.NaN;
        return out;
    }

    private static Map<String, float[]> unwritten(CaseData data) {
        Map<String, float[]> out = rounded(data);
        String last = List.copyOf(data.expected().keySet()).getLast();
        Arrays.fill(out.get(last), PathRunner.POISON);
        return out;
    }

    /**
     * The largest element that is finite in f32 too: a double beyond MAX_VALUE (e^89, 1/MIN_VALUE) rounds to an
     * infinity, which the overflow allowance admits, so moving it proves nothing.
     */
    static int largestFinite(double[] ref) {
        int at = -1;
        for (int i = 0; i < ref.length; i++) {
            boolean finite = Double.isFinite(ref[i]) && Math.abs(ref[i]) <= Float.MAX_VALUE;
            if (finite && (at < 0 || Math.abs(ref[i]) > Math.abs(ref[at]))) at = i;
        }
        if (at < 0) throw new IllegalStateException("reference has no finite element to perturb");
        return at;
    }
}
