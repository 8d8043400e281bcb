package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class OneDnnLayerNormTest {

    private static final Backend ONEDNN = Backends.get("onednn");

    static Stream<Arguments> descriptors() {
        List<LayerNormDesc> descs = List.of(
                LayerNormDesc.of(Shape.of(7, 1025)), // odd row length: vector tails
                LayerNormDesc.of(Shape.of(3, 5, 64)).withNormalizedAxes(2).withShift(false),
                LayerNormDesc.of(Shape.of(4, 3, 17)).withScale(false).withShift(false),
                // eps as large as the variance: a wrong variance <-> rstd conversion cannot hide in rounding
                LayerNormDesc.of(Shape.of(6, 9)).withScale(false).withEps(0.25f));
        List<Arguments> out = new ArrayList<>();
        for (LayerNormDesc d : descs) {
            for (Placement p : Placement.values()) {
                out.add(Arguments.of(d, p));
            }
        }
        return out.stream();
    }

    /** Inputs for a descriptor: x (rows with their own offset and spread), gamma and beta when used, dy. */
    private record Inputs(float[] x, float[] gamma, float[] beta, float[] dy, int rows, int cols) {
        static Inputs of(LayerNormDesc d) {
            int rows = Math.toIntExact(d.rows()), cols = Math.toIntExact(d.cols());
            float[] x = Expect.uniform(1, (long) rows * cols, -0.5, 0.5);
            for (int i = 0; i < x.length; i++) {
                int r = i / cols;
                x[i] = x[i] * (1 + r % 3) + (r - 2); // rows differ in mean and variance
            }
            return new Inputs(x, d.useScale() ? Expect.uniform(2, cols, 0.5, 1.5) : null,
                    d.useShift() ? Expect.uniform(3, cols, -0.5, 0.5) : null, Expect.uniform(4, x.length, -1, 1),
                    rows, cols);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("descriptors")
    void everyDirectionMatchesTheDoubleReference(LayerNormDesc desc, Placement where) {
        assertTrue(ONEDNN.support(desc).supported(), ONEDNN.support(desc).reason());
        Inputs in = Inputs.of(desc);
        Reference.LayerNormForward ref = Reference.layerNorm(in.x, in.gamma, in.beta, in.rows, in.cols, desc.eps());
        try (LayerNormKernel kernel = ONEDNN.create(desc)) {
            assertEquals("onednn", kernel.path());
            MemorySegment dst = where.unwritten(in.x.length);
            kernel.forward(where.of(in.x), dst, where.ofOptional(in.gamma), where.ofOptional(in.beta));
            Expect.close(ref.dst(), dst, "inference dst");

            MemorySegment trainingDst = where.unwritten(in.x.length);
            MemorySegment mean = where.unwritten(in.rows);
            MemorySegment rstd = where.unwritten(in.rows);
            kernel.forwardTraining(where.of(in.x), trainingDst, where.ofOptional(in.gamma),
                    where.ofOptional(in.beta), mean, rstd);
            Expect.close(ref.dst(), trainingDst, "training dst");
            Expect.close(ref.mean(), mean, "mean");
            Expect.close(ref.rstd(), rstd, "rstd");

            // Backward from the reference statistics, so that it is checked on its own.
            Reference.NormBackward grad = Reference.normBackward(in.x, in.dy, in.gamma, ref.mean(), ref.rstd(),
                    in.rows, in.cols);
            MemorySegment diffSrc = where.unwritten(in.x.length);
            MemorySegment diffScale = desc.useScale() ? where.unwritten(in.cols) : null;
            MemorySegment diffShift = desc.useShift() ? where.unwritten(in.cols) : null;
            kernel.backward(where.of(in.x), where.of(in.dy), where.ofOptional(in.gamma),
                    where.of(Expect.narrow(ref.mean())), where.of(Expect.narrow(ref.rstd())), diffSrc, diffScale,
                    diffShift);
            Expect.close(grad.diffSrc(), diffSrc, "diffSrc");
            if (desc.useScale()) Expect.close(grad.diffScale(), diffScale, "diffScale");
            if (desc.useShift()) Expect.close(grad.diffShift(), diffShift, "diffShift");
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void runsInPlace(Placement where) {
        LayerNormDesc desc = LayerNormDesc.of(Shape.of(5, 3, 33)).withNormalizedAxes(2);
        Inputs in = Inputs.of(desc);
        Reference.LayerNormForward ref = Reference.layerNorm(in.x, in.gamma, in.beta, in.rows, in.cols, desc.eps());
        try (LayerNormKernel kernel = ONEDNN.create(desc)) {
            MemorySegment data = where.of(in.x);
            kernel.forward(data, data, where.of(in.gamma), where.of(in.beta));
            Expect.close(ref.dst(), data, "dst written over src");

            data = where.of(in.x);
            kernel.forwardTraining(data, data, where.of(in.gamma), where.of(in.beta), where.unwritten(in.rows),
                    where.unwritten(in.rows));
            Expect.close(ref.dst(), data, "training dst written over src");

            MemorySegment grad = where.of(in.dy);
            kernel.backward(where.of(in.x), grad, where.of(in.gamma), where.of(Expect.narrow(ref.mean())),
                    where.of(Expect.narrow(ref.rstd())), grad, where.unwritten(in.cols), where.unwritten(in.cols));
            Expect.close(Reference.normBackward(in.x, in.dy, in.gamma, ref.mean(), ref.rstd(), in.rows, in.cols)
                    .diffSrc(), grad, "diffSrc written over diffDst");
        }
    }
}
