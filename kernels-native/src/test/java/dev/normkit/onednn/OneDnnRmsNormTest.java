package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.RmsNormDesc;
import dev.normkit.RmsNormKernel;
import dev.normkit.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class OneDnnRmsNormTest {

    private static final Backend ONEDNN = Backends.get("onednn");

    static Stream<Arguments> descriptors() {
        List<RmsNormDesc> descs = List.of(
                RmsNormDesc.of(Shape.of(7, 1025)),
                RmsNormDesc.of(Shape.of(2, 3, 40)).withNormalizedAxes(2),
                RmsNormDesc.of(Shape.of(4, 3, 17)).withScale(false),
                // eps as large as the mean of squares: the conversion to and from rstd must use it
                RmsNormDesc.of(Shape.of(6, 9)).withEps(0.2f));
        List<Arguments> out = new ArrayList<>();
        for (RmsNormDesc d : descs) {
            for (Placement p : Placement.values()) {
                out.add(Arguments.of(d, p));
            }
        }
        return out.stream();
    }

    private record Inputs(float[] x, float[] gamma, float[] dy, int rows, int cols) {
        static Inputs of(RmsNormDesc d) {
            int rows = Math.toIntExact(d.rows()), cols = Math.toIntExact(d.cols());
            float[] x = Expect.uniform(11, (long) rows * cols, -0.5, 0.5);
            for (int i = 0; i < x.length; i++) {
                int r = i / cols;
                x[i] = x[i] * (1 + r % 3) + 0.25f * (r % 2); // rows differ in scale and offset
            }
            return new Inputs(x, d.useScale() ? Expect.uniform(12, cols, 0.5, 1.5) : null,
                    Expect.uniform(13, x.length, -1, 1), rows, cols);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("descriptors")
    void everyDirectionMatchesTheDoubleReference(RmsNormDesc desc, Placement where) {
        assertTrue(ONEDNN.support(desc).supported(), ONEDNN.support(desc).reason());
        Inputs in = Inputs.of(desc);
        Reference.LayerNormForward ref = Reference.rmsNorm(in.x, in.gamma, in.rows, in.cols, desc.eps());
        try (RmsNormKernel kernel = ONEDNN.create(desc)) {
            MemorySegment dst = where.unwritten(in.x.length);
            kernel.forward(where.of(in.x), dst, where.ofOptional(in.gamma));
            Expect.close(ref.dst(), dst, "inference dst");

            MemorySegment trainingDst = where.unwritten(in.x.length);
            MemorySegment rstd = where.unwritten(in.rows);
            kernel.forwardTraining(where.of(in.x), trainingDst, where.ofOptional(in.gamma), rstd);
            Expect.close(ref.dst(), trainingDst, "training dst");
            Expect.close(ref.rstd(), rstd, "rstd");

            Reference.NormBackward grad = Reference.normBackward(in.x, in.dy, in.gamma, null, ref.rstd(), in.rows,
                    in.cols);
            MemorySegment diffSrc = where.unwritten(in.x.length);
            MemorySegment diffScale = desc.useScale() ? where.unwritten(in.cols) : null;
            kernel.backward(where.of(in.x), where.of(in.dy), where.ofOptional(in.gamma),
                    where.of(Expect.narrow(ref.rstd())), diffSrc, diffScale);
            Expect.close(grad.diffSrc(), diffSrc, "diffSrc");
            if (desc.useScale()) Expect.close(grad.diffScale(), diffScale, "diffScale");
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void runsInPlace(Placement where) {
        RmsNormDesc desc = RmsNormDesc.of(Shape.of(5, 3, 33)).withNormalizedAxes(2);
        Inputs in = Inputs.of(desc);
        Reference.LayerNormForward ref = Reference.rmsNorm(in.x, in.gamma, in.rows, in.cols, desc.eps());
        try (RmsNormKernel kernel = ONEDNN.create(desc)) {
            MemorySegment data = where.of(in.x);
            kernel.forward(data, data, where.of(in.gamma));
            Expect.close(ref.dst(), data, "dst written over src");

            data = where.of(in.x);
            kernel.forwardTraining(data, data, where.of(in.gamma), where.unwritten(in.rows));
            Expect.close(ref.dst(), data, "training dst written over src");

            MemorySegment grad = where.of(in.dy);
            kernel.backward(where.of(in.x), grad, where.of(in.gamma), where.of(Expect.narrow(ref.rstd())), grad,
                    where.unwritten(in.cols));
            Expect.close(Reference.normBackward(in.x, in.dy, in.gamma, null, ref.rstd(), in.rows, in.cols).diffSrc(),
                    grad, "diffSrc written over diffDst");
        }
    }
}
