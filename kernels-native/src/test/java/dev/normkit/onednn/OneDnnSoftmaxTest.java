package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class OneDnnSoftmaxTest {

    private static final Backend ONEDNN = Backends.get("onednn");

    static Stream<Arguments> descriptors() {
        List<SoftmaxDesc> descs = new ArrayList<>();
        for (boolean log : new boolean[] {false, true}) {
            SoftmaxDesc last = log ? SoftmaxDesc.logOf(Shape.of(4, 1025)) : SoftmaxDesc.of(Shape.of(4, 1025));
            descs.add(last);
            descs.add(new SoftmaxDesc(Shape.of(3, 7, 5), 1, log)); // a middle axis: rows are strided
            descs.add(new SoftmaxDesc(Shape.of(2, 3, 4, 5), 0, log));
            descs.add(new SoftmaxDesc(Shape.of(2, 1, 3, 1, 2, 1, 5), 2, log)); // 7-D: beyond plain format tags
        }
        List<Arguments> out = new ArrayList<>();
        for (SoftmaxDesc d : descs) {
            for (Placement p : Placement.values()) {
                out.add(Arguments.of(d, p));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("descriptors")
    void forwardAndBackwardMatchTheDoubleReference(SoftmaxDesc desc, Placement where) {
        assertTrue(ONEDNN.support(desc).supported(), ONEDNN.support(desc).reason());
        int outer = Math.toIntExact(desc.outer()), length = Math.toIntExact(desc.axisLength());
        int inner = Math.toIntExact(desc.inner());
        float[] x = Expect.uniform(21, desc.shape().elementCount(), -4, 4);
        double[] y = Reference.softmax(x, outer, length, inner, desc.log());
        try (SoftmaxKernel kernel = ONEDNN.create(desc)) {
            MemorySegment dst = where.unwritten(x.length);
            kernel.forward(where.of(x), dst);
            Expect.close(y, dst, desc.kernelName() + " dst");

            float[] yf = Expect.narrow(y);
            float[] dy = Expect.uniform(22, x.length, -1, 1);
            MemorySegment diffSrc = where.unwritten(x.length);
            kernel.backward(where.of(yf), where.of(dy), diffSrc);
            Expect.close(Reference.softmaxBackward(yf, dy, outer, length, inner, desc.log()), diffSrc,
                    desc.kernelName() + " diffSrc");
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void runsInPlace(Placement where) {
        SoftmaxDesc desc = new SoftmaxDesc(Shape.of(3, 9, 4), 1, false);
        float[] x = Expect.uniform(23, desc.shape().elementCount(), -4, 4);
        double[] y = Reference.softmax(x, 3, 9, 4, false);
        float[] dy = Expect.uniform(24, x.length, -1, 1);
        try (SoftmaxKernel kernel = ONEDNN.create(desc)) {
            MemorySegment data = where.of(x);
            kernel.forward(data, data);
            Expect.close(y, data, "dst written over src");

            float[] yf = Expect.narrow(y);
            MemorySegment grad = where.of(dy);
            kernel.backward(where.of(yf), grad, grad);
            Expect.close(Reference.softmaxBackward(yf, dy, 3, 9, 4, false), grad, "diffSrc written over diffDst");
        }
    }
}
