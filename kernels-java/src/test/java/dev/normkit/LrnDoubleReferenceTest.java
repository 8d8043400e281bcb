package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both Java paths on LRN across channels against the formula of {@link LrnDesc} and {@link LrnKernel} computed here in
 * double, on cases that reach each of the vector path's loops: channels first with a vector of positions or more (the
 * streamed rows, in tiles of up to 1024 positions: 1100 positions make two, neither a whole number of vectors), fewer
 * positions (per-sample box sums), channels last and N x C (blocks of zero-padded positions); windows of five rows (their own loops, edges included),
 * other sizes in both conventions, and wider than C; beta 0.75 (square roots) and other betas (POW).
 */
class LrnDoubleReferenceTest {

    /** Forward within 8 u of the value; backward within 12 u of its terms' magnitudes (they cancel): CONFORMANCE.md. */
    private static final double FORWARD_TOL = 8 * 0x1p-24;
    private static final double BACKWARD_TOL = 12 * 0x1p-24;

    static Stream<Arguments> cases() {
        List<LrnDesc> descs = new ArrayList<>();
        for (Shape s : List.of(Shape.of(2, 7, 1100), Shape.of(2, 9, 3, 11), Shape.of(1, 3, 40), Shape.of(2, 6, 5),
                Shape.of(3, 11), Shape.of(300, 9))) {
            LrnDesc d = LrnDesc.of(s).withAlpha(1f);
            descs.add(d);
            descs.add(d.withConvention(LrnDesc.Convention.ONEDNN));
            descs.add(d.withLocalSize(4));
            descs.add(d.withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(4));
            descs.add(d.withLocalSize(3).withK(2f));
            descs.add(d.withLocalSize(13)); // wider than every C here
            descs.add(d.withBeta(0.5f).withK(2f));
            descs.add(d.withLocalSize(3).withBeta(1.3f));
            descs.add(LrnDesc.of(s).withK(2f)); // AlexNet's parameters
        }
        // Channels last: 80 positions fill one block of the vector path's, 600 make several and a partial last one.
        for (Shape s : List.of(Shape.of(2, 40, 7), Shape.of(2, 300, 7), Shape.of(2, 3, 5, 40))) {
            LrnDesc d = LrnDesc.of(s, ChannelLayout.NHWC).withAlpha(1f);
            descs.add(d);
            descs.add(d.withLocalSize(4));
            descs.add(d.withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(4));
            descs.add(d.withBeta(0.5f).withK(2f));
            descs.add(d.withLocalSize(3).withBeta(1.3f));
        }
        return Stream.of("scalar", "vector").flatMap(p -> descs.stream().map(d -> Arguments.of(p, d)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void forwardAndBackwardMatchTheFormulaInDouble(String path, LrnDesc d) {
        int n = (int) d.shape().elementCount();
        float[] x = TestData.normal(11, n, 0, 1.5);
        float[] dy = TestData.normal(12, n);
        Reference ref = new Reference(d, x, dy);
        try (LrnKernel k = Backends.get(path).create(d)) {
            float[] y = new float[n];
            k.forward(x, y);
            assertWithin("forward", ref.y, ref.yScale, y, FORWARD_TOL);
            float[] dx = new float[n];
            k.backward(x, dy, dx);
            assertWithin("backward", ref.dx, ref.dxScale, dx, BACKWARD_TOL);
        }
    }

    /** The vector path's rows are copied per kind of memory: every kind gives the float[] bits, in place too. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.normkit.Memory#pathsAndLayouts")
    void everyKindOfMemoryAndInPlaceGiveTheFloatArrayBits(String path, Memory.Layout layout) {
        for (LrnDesc d : List.of(LrnDesc.of(Shape.of(2, 7, 1100)).withAlpha(1f),
                LrnDesc.of(Shape.of(2, 300, 7), ChannelLayout.NHWC).withAlpha(1f))) {
            sameBitsEverywhere(path, layout, d);
        }
    }

    private static void sameBitsEverywhere(String path, Memory.Layout layout, LrnDesc d) {
        int n = (int) d.shape().elementCount();
        float[] x = TestData.normal(21, n, 0, 1.5);
        float[] dy = TestData.normal(22, n);
        try (LrnKernel k = Backends.get(path).create(d); Arena arena = Arena.ofConfined()) {
            float[] y = new float[n];
            k.forward(x, y);
            float[] dx = new float[n];
            k.backward(x, dy, dx);

            MemorySegment src = layout.of(0).holding(arena, x);
            MemorySegment dst = layout.of(1).output(arena, n);
            k.forward(src, dst);
            assertArrayEquals(y, Memory.read(dst), layout + " forward");
            MemorySegment diffDst = layout.of(1).holding(arena, dy);
            MemorySegment diffSrc = layout.of(2).output(arena, n);
            k.backward(src, diffDst, diffSrc);
            assertArrayEquals(dx, Memory.read(diffSrc), layout + " backward");

            MemorySegment inPlace = layout.of(0).holding(arena, x);
            k.forward(inPlace, inPlace);
            assertArrayEquals(y, Memory.read(inPlace), layout + " forward in place");
            MemorySegment dyInPlace = layout.of(1).holding(arena, dy);
            k.backward(src, dyInPlace, dyInPlace);
            assertArrayEquals(dx, Memory.read(dyInPlace), layout + " backward in place");
        }
    }

    /**
     * A position's outputs depend on its own channels only: NaN at channel 0 of every position but the last ten leaves
     * those ten finite (the vector path's last block of positions is partial, and its unused slots last held NaN).
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nanStaysInItsOwnPosition(String path) {
        int positions = 600, channels = 7, clean = 10;
        LrnDesc d = LrnDesc.of(Shape.of(2, positions / 2, channels), ChannelLayout.NHWC).withAlpha(1f)
                .withLocalSize(4);
        float[] x = TestData.normal(31, positions * channels);
        float[] dy = TestData.normal(32, positions * channels);
        for (int p = 0; p < positions - clean; p++) x[p * channels] = Float.NaN;
        try (LrnKernel k = Backends.get(path).create(d)) {
            float[] y = new float[x.length];
            k.forward(x, y);
            float[] dx = new float[x.length];
            k.backward(x, dy, dx);
            for (int i = 0; i < x.length; i++) {
                boolean tainted = i < (positions - clean) * channels;
                // Size 4 (PyTorch): channels 0..2 have channel 0 in their window (y, and t); diffSrc sums the t of
                // channels c - 1 .. c + 2, so channels 0..3 meet a NaN t.
                if (Float.isNaN(y[i]) != (tainted && i % channels < 3)
                        || Float.isNaN(dx[i]) != (tainted && i % channels < 4)) {
                    fail("element " + i + ": y " + y[i] + ", diffSrc " + dx[i]);
                }
            }
        }
    }

    /** |actual - expected| <= tol * scale per element, scale the sum of the magnitudes the result is made of. */
    private static void assertWithin(String what, double[] expected, double[] scale, float[] actual, double tol) {
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= tol * scale[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (error "
                        + err / scale[i] / 0x1p-24 + " u of " + scale[i] + ")");
            }
        }
    }

    /**
     * y = x w^-beta, w = k + alpha / size * (sum of x^2 over the window); diffSrc = dy w^-beta - 2 alpha beta / size *
     * x * (sum over the j whose window holds the element of dy_j x_j w_j^(-beta-1)); in double, windows cut at the
     * edges. Element (n, c, s) lies at {@code (n C + c) S + s} channels first, {@code (n S + s) C + c} channels last.
     */
    private static final class Reference {
        final double[] y;
        final double[] yScale;
        final double[] dx;
        final double[] dxScale;

        Reference(LrnDesc d, float[] x, float[] dy) {
            int batch = (int) d.batch(), channels = (int) d.channels(), spatial = (int) d.spatial();
            int below = (int) d.reachBelow(), above = (int) d.reachAbove();
            double a = d.alpha() / (double) d.localSize(), beta = d.beta();
            int n = x.length;
            y = new double[n];
            yScale = new double[n];
            dx = new double[n];
            dxScale = new double[n];
            double[] w = new double[n];
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < spatial; s++) {
                    for (int c = 0; c < channels; c++) {
                        double sum = 0;
                        for (int j = Math.max(0, c - below); j <= Math.min(channels - 1, c + above); j++) {
                            double v = x[at(d, b, j, s)];
                            sum += v * v;
                        }
                        int i = at(d, b, c, s);
                        w[i] = d.k() + a * sum;
                        y[i] = x[i] * Math.pow(w[i], -beta);
                        yScale[i] = Math.abs(y[i]);
                    }
                    for (int c = 0; c < channels; c++) {
                        double held = 0, heldAbs = 0;
                        for (int j = Math.max(0, c - above); j <= Math.min(channels - 1, c + below); j++) {
                            int h = at(d, b, j, s);
                            double t = dy[h] * (double) x[h] * Math.pow(w[h], -beta - 1);
                            held += t;
                            heldAbs += Math.abs(t);
                        }
                        int i = at(d, b, c, s);
                        double first = dy[i] * Math.pow(w[i], -beta);
                        double second = 2 * a * beta * x[i];
                        dx[i] = first - second * held;
                        dxScale[i] = Math.abs(first) + Math.abs(second) * heldAbs;
                    }
                }
            }
        }

        private static int at(LrnDesc d, int b, int c, int s) {
            int channels = (int) d.channels(), spatial = (int) d.spatial();
            return d.channelsLast() ? (b * spatial + s) * channels + c : (b * channels + c) * spatial + s;
        }
    }
}
