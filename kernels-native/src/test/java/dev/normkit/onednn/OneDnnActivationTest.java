package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class OneDnnActivationTest {

    private static final Backend ONEDNN = Backends.get("onednn");

    static Stream<Arguments> descriptors() {
        List<ActivationDesc> descs = List.of(
                ActivationDesc.of(Activation.RELU, Shape.of(1025)),
                ActivationDesc.of(Activation.LEAKY_RELU, Shape.of(3, 5, 7)).withAlpha(0.1f), // leaky
                ActivationDesc.of(Activation.LEAKY_RELU, Shape.of(33)).withAlpha(-0.5f), // no backward from dst
                ActivationDesc.of(Activation.GELU_ERF, Shape.of(1025)),
                ActivationDesc.of(Activation.GELU_TANH, Shape.of(3, 5, 7)),
                ActivationDesc.of(Activation.SILU, Shape.of(1025)),
                ActivationDesc.of(Activation.SWISH, Shape.of(4, 9)).withAlpha(1.7f));
        List<Arguments> out = new ArrayList<>();
        for (ActivationDesc d : descs) {
            for (Placement p : Placement.values()) {
                out.add(Arguments.of(d, p));
            }
        }
        return out.stream();
    }

    private static double[] forwardReference(ActivationDesc desc, float[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Reference.activation(desc.activation(), desc.alpha(), x[i]);
        }
        return y;
    }

    private static double[] backwardReference(ActivationDesc desc, float[] x, float[] dy) {
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            dx[i] = dy[i] * Reference.derivative(desc.activation(), desc.alpha(), x[i]);
        }
        return dx;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("descriptors")
    void everyDirectionMatchesTheDoubleReference(ActivationDesc desc, Placement where) {
        assertTrue(ONEDNN.support(desc).supported(), ONEDNN.support(desc).reason());
        float[] x = Expect.uniform(31, desc.shape().elementCount(), -4, 4);
        float[] dy = Expect.uniform(32, x.length, -1, 1);
        double[] y = forwardReference(desc, x);
        double[] dx = backwardReference(desc, x, dy);
        try (ActivationKernel kernel = ONEDNN.create(desc)) {
            MemorySegment dst = where.unwritten(x.length);
            kernel.forward(where.of(x), dst);
            Expect.close(y, dst, desc.kernelName() + " dst");

            MemorySegment diffSrc = where.unwritten(x.length);
            kernel.backward(where.of(x), where.of(dy), diffSrc);
            Expect.close(dx, diffSrc, desc.kernelName() + " diffSrc from src");

            assertEquals((desc.activation() == Activation.RELU || desc.activation() == Activation.LEAKY_RELU) && desc.alpha() >= 0, desc.hasBackwardFromDst());
            if (desc.hasBackwardFromDst()) {
                MemorySegment fromDst = where.unwritten(x.length);
                kernel.backwardFromDst(where.of(Expect.narrow(y)), where.of(dy), fromDst);
                Expect.close(dx, fromDst, desc.kernelName() + " diffSrc from dst");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void runsInPlace(Placement where) {
        ActivationDesc desc = ActivationDesc.of(Activation.LEAKY_RELU, Shape.of(2, 17)).withAlpha(0.2f);
        float[] x = Expect.uniform(33, desc.shape().elementCount(), -4, 4);
        float[] dy = Expect.uniform(34, x.length, -1, 1);
        try (ActivationKernel kernel = ONEDNN.create(desc)) {
            MemorySegment data = where.of(x);
            kernel.forward(data, data);
            Expect.close(forwardReference(desc, x), data, "dst written over src");

            MemorySegment grad = where.of(dy);
            kernel.backward(where.of(x), grad, grad);
            Expect.close(backwardReference(desc, x, dy), grad, "diffSrc written over diffDst");

            grad = where.of(dy);
            kernel.backwardFromDst(where.of(Expect.narrow(forwardReference(desc, x))), grad, grad);
            Expect.close(backwardReference(desc, x, dy), grad, "diffSrc from dst written over diffDst");
        }
    }
}
