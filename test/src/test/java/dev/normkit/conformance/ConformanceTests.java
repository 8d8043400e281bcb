package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.normkit.Backend;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * Turns a conformance selection into JUnit dynamic tests, one per case and path, named like
 * {@code layer_norm forward 256x768 normal on vector}, grouped by kernel and case.
 */
final class ConformanceTests {
    private ConformanceTests() {}

    static Stream<DynamicNode> of(Selection selection) {
        List<Backend> paths = Conformance.paths(selection);
        List<KernelId> kernels = selection.kernels().isEmpty() ? List.of(KernelId.values()) : selection.kernels();
        return kernels.stream().map(k -> dynamicContainer(k.label(),
                Conformance.cases(new Selection(List.of(k), selection.paths(), selection.shapes())).stream()
                        .map(c -> caseNode(c, paths))));
    }

    private static DynamicNode caseNode(ConformanceCase c, List<Backend> paths) {
        List<Backend> supporting = paths.stream().filter(p -> Conformance.supports(p, c)).toList();
        SharedData data = new SharedData(c, supporting.size());
        return dynamicContainer(c.name(), supporting.stream().map(p -> dynamicTest(c.name() + " on " + p.name(),
                () -> assertPasses(Conformance.check(c, data.take(), p)))));
    }

    static void assertPasses(CheckResult r) {
        assertTrue(r.pass(), () -> r.kernel() + " " + r.direction() + " " + r.shape() + " " + r.inputs() + " on "
                + r.path() + ": max_rel " + r.maxRel() + " (tolerance " + r.tolerance() + "), max_abs " + r.maxAbs()
                + ", ulp " + r.ulp() + "; " + r.note());
    }

    /**
     * A case's inputs and reference, computed by the first path's test and dropped after the last, so each case's
     * reference is computed once and large ones do not pile up in memory while the suite runs.
     */
    private static final class SharedData {
        private final ConformanceCase c;
        private int remaining;
        private CaseData data;

        SharedData(ConformanceCase c, int users) {
            this.c = c;
            this.remaining = users;
        }

        synchronized CaseData take() {
            CaseData d = data != null ? data : CaseData.prepare(c);
            data = --remaining > 0 ? d : null;
            return d;
        }
    }
}
