package dev.normkit.conformance;

import static dev.normkit.conformance.GradientCheckTest.assertGradient;
import static dev.normkit.conformance.GradientCheckTest.dot;
import static dev.normkit.conformance.GradientCheckTest.normal;

import dev.normkit.LrnDesc;
import dev.normkit.Shape;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GradientCheckTest}'s check for LRN: the backward reference (the Jacobian scattered from each output to its
 * window) equals central finite differences of the forward reference, for both conventions, even and odd sizes,
 * across and within channel. alpha = 1 so the window term moves with x (at the default 1e-4 the cross terms are
 * ~1e-4 of the gradient and an error in them would hide under the bound).
 */
class LrnGradientCheckTest {

    static Stream<LrnDesc> descs() {
        LrnDesc across = LrnDesc.of(Shape.of(2, 7, 3)).withAlpha(1f);
        return Stream.of(across,
                across.withLocalSize(4),
                across.withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(4),
                across.withBeta(0.5f).withK(2f).withLocalSize(2),
                LrnDesc.of(Shape.of(3, 5)).withAlpha(1f).withLocalSize(3),
                LrnDesc.of(Shape.of(1, 2, 4, 5)).withAlpha(1f).withinChannel().withLocalSize(3),
                LrnDesc.of(Shape.of(1, 2, 4, 5)).withAlpha(1f).withinChannel().withLocalSize(4),
                LrnDesc.of(Shape.of(1, 1, 3, 3, 4)).withAlpha(1f).withinChannel().withLocalSize(3));
    }

    @ParameterizedTest(name = "lrn backward matches finite differences on {0}")
    @MethodSource("descs")
    void lrnBackwardMatchesFiniteDifferences(LrnDesc d) {
        SplittableRandom rnd = new SplittableRandom(23);
        double[] x = normal(rnd, (int) d.shape().elementCount(), 0.0);
        double[] dy = normal(rnd, x.length, 0.0);
        double[] dx = LrnReference.backward(d, x, dy);
        assertGradient("diffSrc", dx, x, v -> dot(dy, LrnReference.forward(d, v)));
    }
}
