package dev.normkit.conformance;

import static dev.normkit.conformance.GradientCheckTest.assertGradient;
import static dev.normkit.conformance.GradientCheckTest.dot;
import static dev.normkit.conformance.GradientCheckTest.normal;

import dev.normkit.Shape;
import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GradientCheckTest}'s check for the weight reparameterizations: each backward reference equals central
 * finite differences of its forward reference, in float64. Spectral norm's is taken with u and v held fixed, as
 * PyTorch's autograd sees them (they are computed under {@code no_grad}): the function differentiated is
 * {@code W -> W / (u^T W v)}, the inference forward on the state a training step left.
 */
class WeightGradientCheckTest {

    static Stream<WeightNormDesc> weightNormDescs() {
        return Stream.of(WeightNormDesc.of(Shape.of(4, 3, 2, 2)),
                WeightNormDesc.of(Shape.of(4, 3, 2, 2)).withDim(1),
                WeightNormDesc.of(Shape.of(3, 5)).withDim(1),
                WeightNormDesc.of(Shape.of(3, 5)).withDim(WeightNormDesc.WHOLE_TENSOR));
    }

    @ParameterizedTest(name = "weight norm backward matches finite differences on {0}")
    @MethodSource("weightNormDescs")
    void weightNormBackwardMatchesFiniteDifferences(WeightNormDesc d) {
        SplittableRandom rnd = new SplittableRandom(23);
        double[] v = normal(rnd, (int) d.shape().elementCount(), 0.0);
        double[] g = normal(rnd, (int) d.slices(), 0.5);
        double[] dw = normal(rnd, v.length, 0.0);
        WeightNormReference.Forward f = WeightNormReference.forward(d, v, g);
        WeightNormReference.Backward b = WeightNormReference.backward(d, v, g, f.norm(), dw);
        assertGradient("diffV", b.diffV(), v, x -> dot(dw, WeightNormReference.forward(d, x, g).w()));
        assertGradient("diffG", b.diffG(), g, x -> dot(dw, WeightNormReference.forward(d, v, x).w()));
    }

    static Stream<SpectralNormDesc> spectralNormDescs() {
        return Stream.of(SpectralNormDesc.of(Shape.of(4, 3, 2, 2)),
                SpectralNormDesc.of(Shape.of(5, 3)).withPowerIterations(4),
                SpectralNormDesc.of(Shape.of(2, 7)).withPowerIterations(0),
                SpectralNormDesc.of(Shape.of(6, 1)));
    }

    @ParameterizedTest(name = "spectral norm backward matches finite differences on {0}, u and v fixed")
    @MethodSource("spectralNormDescs")
    void spectralNormBackwardMatchesFiniteDifferences(SpectralNormDesc d) {
        SplittableRandom rnd = new SplittableRandom(29);
        double[] w = normal(rnd, (int) d.shape().elementCount(), 0.0);
        double[] u0 = normal(rnd, (int) d.rows(), 0.0);
        double[] v0 = normal(rnd, (int) d.cols(), 0.0);
        double[] dy = normal(rnd, w.length, 0.0);
        SpectralNormReference.Forward train = SpectralNormReference.forwardTraining(d, w, u0, v0);
        double[] u = train.u();
        double[] v = train.v();
        double[][] b = SpectralNormReference.backward(d, w, dy, u, v, train.sigma());
        assertGradient("diffW", b[0], w, x -> dot(dy, SpectralNormReference.forward(d, x, u, v).dst()));
    }
}
