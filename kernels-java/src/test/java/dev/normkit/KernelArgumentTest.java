package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad arguments are rejected before any memory is touched, with a message that names the argument. */
class KernelArgumentTest {

    private static final Shape SHAPE = Shape.of(4, 10);

    private static MemorySegment floats(int n) {
        return MemorySegment.ofArray(new float[n]);
    }

    private static void assertRejects(String argument, Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage().startsWith(argument + ":"),
                "message should name " + argument + ": " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void layerNormRejectsBadArguments(String path) {
        LayerNormKernel k = Backends.get(path).create(LayerNormDesc.of(SHAPE));
        LayerNormKernel noAffine = Backends.get(path).create(LayerNormDesc.of(SHAPE).withScale(false).withShift(false));
        MemorySegment ok = floats(40);
        MemorySegment col = floats(10);
        MemorySegment row = floats(4);
        assertRejects("src", () -> k.forward(floats(39), ok, col, col));
        assertRejects("dst", () -> k.forward(ok, floats(39), col, col));
        assertRejects("dst", () -> k.forward(ok, floats(40).asReadOnly(), col, col));
        assertRejects("scale", () -> k.forward(ok, ok, null, col));
        assertRejects("shift", () -> k.forward(ok, ok, col, floats(9)));
        assertRejects("scale", () -> noAffine.forward(ok, ok, col, null));
        assertRejects("shift", () -> noAffine.forward(ok, ok, null, col));
        assertRejects("mean", () -> k.forwardTraining(ok, ok, col, col, floats(3), row));
        assertRejects("rstd", () -> k.forwardTraining(ok, ok, col, col, row, row.asReadOnly()));
        assertRejects("diffDst", () -> k.backward(ok, floats(1), col, row, row, ok, col, col));
        assertRejects("diffSrc", () -> k.backward(ok, ok, col, row, row, ok.asReadOnly(), col, col));
        assertRejects("diffScale", () -> k.backward(ok, ok, col, row, row, ok, null, col));
        assertRejects("diffShift", () -> noAffine.backward(ok, ok, null, row, row, ok, null, col));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void rmsNormRejectsBadArguments(String path) {
        RmsNormKernel k = Backends.get(path).create(RmsNormDesc.of(SHAPE));
        RmsNormKernel noScale = Backends.get(path).create(RmsNormDesc.of(SHAPE).withScale(false));
        MemorySegment ok = floats(40);
        MemorySegment col = floats(10);
        MemorySegment row = floats(4);
        assertRejects("src", () -> k.forward(null, ok, col));
        assertRejects("dst", () -> k.forward(ok, ok.asReadOnly(), col));
        assertRejects("scale", () -> k.forward(ok, ok, null));
        assertRejects("scale", () -> noScale.forward(ok, ok, col));
        assertRejects("rstd", () -> k.forwardTraining(ok, ok, col, floats(3)));
        assertRejects("diffScale", () -> noScale.backward(ok, ok, null, row, ok, col));
        assertRejects("diffSrc", () -> k.backward(ok, ok, col, row, floats(39), col));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void softmaxRejectsBadArguments(String path) {
        SoftmaxKernel k = Backends.get(path).create(new SoftmaxDesc(Shape.of(2, 5, 4), 1, false));
        MemorySegment ok = floats(40);
        assertRejects("src", () -> k.forward(floats(39), ok));
        assertRejects("dst", () -> k.forward(ok, ok.asReadOnly()));
        assertRejects("dst", () -> k.backward(null, ok, ok));
        assertRejects("diffDst", () -> k.backward(ok, floats(20), ok));
        assertRejects("diffSrc", () -> k.backward(ok, ok, ok.asReadOnly()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void segmentsNotAlignedToFloatsAreRejected(String path) {
        LayerNormKernel k = Backends.get(path).create(LayerNormDesc.of(SHAPE).withScale(false).withShift(false));
        MemorySegment bytes = MemorySegment.ofArray(new byte[200]);
        assertRejects("src", () -> k.forward(bytes, floats(40), null, null));
    }
}
