package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.ChannelLayout;
import dev.normkit.LrnDesc;
import dev.normkit.LrnKernel;
import dev.normkit.Shape;
import dev.normkit.UnsupportedKernelException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The onednn LRN: oneDNN's own convention pinned on hand-worked values, the PyTorch convention where it maps, and the
 * rest against the scalar path (itself held to hand-worked values in kernels-java) from every placement.
 */
class OneDnnLrnTest {

    private static final Backend ONEDNN = Backends.get("onednn");
    private static final Backend SCALAR = Backends.get("scalar");

    static Stream<Arguments> descriptors() {
        List<LrnDesc> descs = List.of(
                LrnDesc.of(Shape.of(5, 12)).withAlpha(1f), // N x C: oneDNN runs it as N x C x 1
                LrnDesc.of(Shape.of(2, 6, 5, 7)).withAlpha(1f),
                LrnDesc.of(Shape.of(3, 4, 37)).withAlpha(0.5f).withBeta(0.5f).withK(2f),
                LrnDesc.of(Shape.of(2, 7, 3, 5)).withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(4)
                        .withAlpha(1f),
                LrnDesc.of(Shape.of(2, 3, 6, 7)).withinChannel().withLocalSize(3).withAlpha(1f),
                LrnDesc.of(Shape.of(1, 2, 3, 4, 5)).withinChannel().withLocalSize(3).withAlpha(1f),
                LrnDesc.of(Shape.of(2, 5, 7, 6), ChannelLayout.NHWC).withAlpha(1f),
                LrnDesc.of(Shape.of(2, 5, 7, 6), ChannelLayout.NHWC).withinChannel().withLocalSize(3).withAlpha(1f));
        List<Arguments> out = new ArrayList<>();
        for (LrnDesc d : descs) {
            for (Placement p : Placement.values()) out.add(Arguments.of(d, p));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("descriptors")
    void forwardAndBackwardMatchTheScalarPath(LrnDesc d, Placement p) {
        assertTrue(ONEDNN.support(d).supported(), () -> ONEDNN.support(d).reason());
        int n = Math.toIntExact(d.shape().elementCount());
        float[] x = Expect.uniform(1, n, -2, 3);
        float[] dy = Expect.uniform(4, n, -1, 1);
        try (LrnKernel onednn = ONEDNN.create(d); LrnKernel scalar = SCALAR.create(d)) {
            float[] y = new float[n];
            scalar.forward(x, y);
            MemorySegment gy = p.unwritten(n);
            onednn.forward(p.of(x), gy);
            Expect.close(Expect.widen(y), gy, "dst");

            float[] dx = new float[n];
            scalar.backward(x, dy, dx);
            MemorySegment gdx = p.unwritten(n);
            onednn.backward(p.of(x), p.of(dy), gdx);
            Expect.close(Expect.widen(dx), gdx, "diffSrc");
        }
    }

    @Test
    void evenSizeIsSymmetricAndDividesBySize() {
        // x = 1, 2, 3, 4 over 4 channels, size 2, alpha 1, beta 1: half = 0, so y = x / (1 + x^2 / 2).
        LrnDesc d = LrnDesc.of(Shape.of(1, 4, 1)).withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(2)
                .withAlpha(1f).withBeta(1f);
        float[] y = new float[4];
        try (LrnKernel k = ONEDNN.create(d)) {
            k.forward(new float[] {1, 2, 3, 4}, y);
        }
        double[] expected = {1 / 1.5, 2 / 3.0, 3 / 5.5, 4 / 9.0};
        for (int i = 0; i < 4; i++) assertEquals(expected[i], y[i], 2e-6 * expected[i], "channel " + i);
    }

    @Test
    void pytorchConventionWithAnEvenSizeIsUnsupportedWithTheReason() {
        LrnDesc d = LrnDesc.of(Shape.of(2, 6, 5, 7)).withLocalSize(4);
        assertFalse(ONEDNN.support(d).supported());
        assertTrue(ONEDNN.support(d).reason().contains("convention"), ONEDNN.support(d).reason());
        assertThrows(UnsupportedKernelException.class, () -> ONEDNN.create(d));
    }

    @Test
    void wrongSizedTensorsAreRejectedBeforeTheNativeCall() {
        try (LrnKernel k = ONEDNN.create(LrnDesc.of(Shape.of(2, 3, 4)))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.backward(new float[24], new float[23], new float[24]));
            assertTrue(e.getMessage().startsWith("diffDst:"), e.getMessage());
        }
    }
}
