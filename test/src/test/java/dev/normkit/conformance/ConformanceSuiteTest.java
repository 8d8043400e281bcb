package dev.normkit.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance suite: every slice kernel and direction, on every default shape and input family, on every path
 * {@link dev.normkit.Backends#available()} reports, within its tolerance and the NaN/inf policy. Which paths must be
 * there is {@link RequiredPathsTest}'s business.
 */
class ConformanceSuiteTest {

    @TestFactory
    Stream<DynamicNode> everyKernelMatchesTheReferenceOnEveryAvailablePath() {
        return ConformanceTests.of(Selection.all());
    }
}
