package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same input gives the same bits on every call, from the first (interpreted) to the last (C2-compiled), on every
 * kind of memory: a kernel's reductions must not depend on how the JIT orders a vector's lanes (issue 10). It fails
 * with {@code reduceLanes(ADD)}, whose lane order differs between the Java fallback and C2.
 */
class RepeatableResultsTest {

    /** Enough calls for C2 to compile the row loops (as in HotKernelTest). */
    private static final int CALLS = 12_000;
    private static final int ROWS = 3;
    private static final int COLS = 1023;

    /** Runs {@code call} {@link #CALLS} times and checks every result against the first one's bits. */
    private static void assertRepeatable(String what, Supplier<float[]> call) {
        float[] first = call.get();
        for (int i = 2; i <= CALLS; i++) {
            float[] again = call.get();
            if (!Arrays.equals(first, again)) {
                assertArrayEquals(first, again, what + ": call " + i + " differs from call 1");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"float[]", "native"})
    void rowKernelsRepeatTheirBits(String memory) {
        Memory kind = memory.equals("native") ? Memory.NATIVE : Memory.FLOAT_ARRAY;
        Backend vector = Backends.get("vector");
        LayerNormKernel ln = vector.create(LayerNormDesc.of(Shape.of(ROWS, COLS)));
        RmsNormKernel rms = vector.create(RmsNormDesc.of(Shape.of(ROWS, COLS)));
        SoftmaxKernel sm = vector.create(SoftmaxDesc.of(Shape.of(ROWS, COLS)));
        SoftmaxKernel lsm = vector.create(SoftmaxDesc.logOf(Shape.of(ROWS, COLS)));
        int n = ROWS * COLS;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = kind.holding(arena, TestData.normal(1, n, 3, 2));
            MemorySegment dy = kind.holding(arena, TestData.normal(2, n));
            MemorySegment gamma = kind.holding(arena, TestData.normal(3, COLS, 1, 0.5));
            MemorySegment beta = kind.holding(arena, TestData.normal(4, COLS));
            MemorySegment y = kind.output(arena, n);
            MemorySegment dx = kind.output(arena, n);
            MemorySegment dGamma = kind.output(arena, COLS);
            MemorySegment dBeta = kind.output(arena, COLS);
            MemorySegment mean = kind.output(arena, ROWS);
            MemorySegment rstd = kind.output(arena, ROWS);
            assertRepeatable(memory + " layer norm forward", () -> {
                ln.forwardTraining(x, y, gamma, beta, mean, rstd);
                return concat(y, mean, rstd);
            });
            assertRepeatable(memory + " layer norm backward", () -> {
                ln.backward(x, dy, gamma, mean, rstd, dx, dGamma, dBeta);
                return concat(dx, dGamma, dBeta);
            });
            assertRepeatable(memory + " rms norm forward", () -> {
                rms.forwardTraining(x, y, gamma, rstd);
                return concat(y, rstd);
            });
            assertRepeatable(memory + " rms norm backward", () -> {
                rms.backward(x, dy, gamma, rstd, dx, dGamma);
                return concat(dx, dGamma);
            });
            // Softmax's exp is VectorMath.expRepeatable, not the Vector API's EXP (SVML in C2 code only).
            assertRepeatable(memory + " softmax forward", () -> {
                sm.forward(x, y);
                return Memory.read(y);
            });
            assertRepeatable(memory + " softmax backward", () -> {
                sm.backward(y, dy, dx);
                return Memory.read(dx);
            });
            assertRepeatable(memory + " log-softmax forward", () -> {
                lsm.forward(x, y);
                return Memory.read(y);
            });
            assertRepeatable(memory + " log-softmax backward", () -> {
                lsm.backward(y, dy, dx);
                return Memory.read(dx);
            });
        }
    }

    private static float[] concat(MemorySegment... segments) {
        return Arrays.stream(segments).map(Memory::read)
                .reduce(new float[0], (a, b) -> {
                    float[] c = Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, c, a.length, b.length);
                    return c;
                });
    }
}
