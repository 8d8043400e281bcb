package dev.normkit.conformance;

import static dev.normkit.conformance.GradientCheckTest.assertGradient;
import static dev.normkit.conformance.GradientCheckTest.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.normkit.ChannelLayout;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.Shape;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PNormReference}'s backward against central finite differences of its own forward, in float64 (the method of
 * {@link GradientCheckTest}), for the seeds' p (0.3, 1, 3, 3.2), 2 and infinity. Random data keeps every x away from 0
 * and the max unique, where the norm is differentiable.
 */
class PNormGradientCheckTest {

    static Stream<Float> ps() {
        return Stream.of(0.3f, 1f, 2f, 3f, 3.2f, Float.POSITIVE_INFINITY);
    }

    @ParameterizedTest(name = "l2_normalize backward matches finite differences, p = {0}")
    @MethodSource("ps")
    void l2NormalizeBackward(float p) {
        // eps = 4 sits between the rows' norms for p = 2 (rows of 7 values of N(0, 2.5^2)): both branches run
        for (float eps : new float[] {L2NormalizeDesc.DEFAULT_EPS, 4f}) {
            L2NormalizeDesc d = L2NormalizeDesc.of(Shape.of(5, 7)).withP(p).withEps(eps);
            SplittableRandom rnd = new SplittableRandom(23);
            double[] x = scaled(rnd, 35, 2.5);
            double[] dy = scaled(rnd, 35, 1.0);
            PNormReference.Form f = PNormReference.Form.of(d);
            assertGradient("diffSrc p=" + p + " eps=" + eps, PNormReference.backward(f, x, dy).diffSrc(), x,
                    v -> dot(dy, PNormReference.forward(f, v)));
        }
    }

    @ParameterizedTest(name = "divisive_norm backward matches finite differences, p = {0}")
    @MethodSource("ps")
    void divisiveNormBackward(float p) {
        DivisiveNormDesc d = DivisiveNormDesc.of(Shape.of(4, 9)).withP(p).withSigma(0.7f).withGain(1.75f);
        SplittableRandom rnd = new SplittableRandom(29);
        double[] x = scaled(rnd, 36, 1.5);
        double[] dy = scaled(rnd, 36, 1.0);
        PNormReference.Form f = PNormReference.Form.of(d);
        PNormReference.Backward b = PNormReference.backward(f, x, dy);
        assertGradient("diffSrc p=" + p, b.diffSrc(), x, v -> dot(dy, PNormReference.forward(f, v)));
        double[] gain = {f.gain()};
        assertGradient("diffGain p=" + p, new double[] {b.diffGain()}, gain,
                v -> dot(dy, PNormReference.forward(
                        new PNormReference.Form(f.rows(), f.cols(), f.p(), v[0], f.floor(), f.sigma()), x)));
    }

    @ParameterizedTest(name = "divisive_norm across channels: backward matches finite differences, p = {0}")
    @MethodSource("ps")
    void divisiveNormWindowBackward(float p) {
        // 6 channels, size 3 and 5 (edge windows are cut), channels first and last, and N x C
        for (DivisiveNormDesc d : new DivisiveNormDesc[] {
                DivisiveNormDesc.acrossChannels(Shape.of(2, 6, 4), 3),
                DivisiveNormDesc.acrossChannels(Shape.of(2, 4, 6), ChannelLayout.NHWC, 5),
                DivisiveNormDesc.acrossChannels(Shape.of(3, 6), 5)}) {
            DivisiveNormDesc w = d.withP(p).withSigma(0.7f).withGain(1.75f);
            SplittableRandom rnd = new SplittableRandom(31);
            double[] x = scaled(rnd, 48, 1.5);
            double[] dy = scaled(rnd, 48, 1.0);
            if (d.shape().elementCount() != 48) {
                x = java.util.Arrays.copyOf(x, 18);
                dy = java.util.Arrays.copyOf(dy, 18);
            }
            double[] dyFinal = dy;
            PNormReference.Backward b = PNormWindowReference.backward(w, x, dy);
            String what = w.shape() + " " + w.layout() + " size=" + w.localSize() + " p=" + p;
            assertGradient("diffSrc " + what, b.diffSrc(), x, v -> dot(dyFinal, PNormWindowReference.forward(w, v)));
            // y is linear in g: d loss / d g = dy . y / g
            assertEquals(dot(dy, PNormWindowReference.forward(w, x)) / w.gain(), b.diffGain(),
                    1e-12 * Math.abs(b.diffGain()), "diffGain " + what);
        }
    }

    /** The max norm's gradient is split evenly among tied maxima (PyTorch's amax backward). */
    @Test
    void maxNormSplitsItsGradientAmongTies() {
        PNormReference.Form f =
                PNormReference.Form.of(L2NormalizeDesc.of(Shape.of(1, 3)).withP(Float.POSITIVE_INFINITY));
        double[] x = {2, -2, 1};
        double[] dy = {1, 0, 0}; // s = 2, n = 2: dx = dy/2 - s/4 * sign(x) [|x| == 2] / 2
        double[] dx = PNormReference.backward(f, x, dy).diffSrc();
        assertEquals(0.5 - 0.25, dx[0], 1e-15);
        assertEquals(0.25, dx[1], 1e-15);
        assertEquals(0, dx[2], 1e-15);
    }

    private static double[] scaled(SplittableRandom rnd, int n, double sigma) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double v = sigma * rnd.nextGaussian();
            x[i] = Math.abs(v) < 0.05 ? 0.05 + v : v; // away from 0, where |x|^p has a kink
        }
        return x;
    }
}
