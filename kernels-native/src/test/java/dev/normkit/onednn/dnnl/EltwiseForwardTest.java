package dev.normkit.onednn.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EltwiseForwardTest {

    private static final int N = 1031; // not a multiple of any vector width: the JIT kernel's tail runs too
    private static DnnlEngine engine;
    private static DnnlStream stream;

    @BeforeAll
    static void open() {
        engine = DnnlEngine.cpu();
        stream = DnnlStream.create(engine);
    }

    @AfterAll
    static void close() {
        stream.close();
        engine.close();
    }

    private static float[] input() {
        float[] x = NativeFloats.uniform(7, N, -3f, 3f);
        x[0] = 0f;
        x[1] = -0f;
        x[2] = Float.MIN_VALUE;
        x[3] = -Float.MIN_VALUE;
        return x;
    }

    /** Runs eltwise forward inference of {@code alg} on {@code x} through native segments. */
    private static float[] forward(EltwiseAlg alg, float alpha, float[] x) {
        try (Arena arena = Arena.ofConfined();
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, x.length);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE, alg, md,
                        md, alpha, 0f);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            MemorySegment dst = NativeFloats.zeros(arena, x.length);
            primitive.bind(ExecArg.SRC).setData(NativeFloats.of(arena, x));
            primitive.bind(ExecArg.DST).setData(dst);
            primitive.execute(stream);
            return NativeFloats.read(dst);
        }
    }

    @Test
    void reluForwardMatchesJavaMaxWithZero() {
        float[] x = input();
        float[] y = forward(EltwiseAlg.RELU, 0f, x);
        for (int i = 0; i < N; i++) {
            assertEquals(Math.max(0f, x[i]), y[i], 1e-6f, "relu at " + i + " of " + x[i]);
        }
    }

    @Test
    void reluAlphaIsTheNegativeSlope() {
        float[] x = input();
        float[] y = forward(EltwiseAlg.RELU, 0.1f, x);
        for (int i = 0; i < N; i++) {
            double expected = x[i] > 0 ? x[i] : 0.1 * x[i];
            assertEquals(expected, y[i], 1e-6, "leaky relu at " + i + " of " + x[i]);
        }
    }

    @Test
    void newDataHandlesAreUsedOnTheNextExecution() {
        float[] first = input();
        float[] second = NativeFloats.uniform(8, N, -1f, 1f);
        try (Arena arena = Arena.ofConfined();
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, N);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE,
                        EltwiseAlg.RELU, md, md, 0f, 0f);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            DnnlMemory src = primitive.bind(ExecArg.SRC);
            DnnlMemory dst = primitive.bind(ExecArg.DST);
            MemorySegment out1 = NativeFloats.zeros(arena, N);
            src.setData(NativeFloats.of(arena, first));
            dst.setData(out1);
            primitive.execute(stream);
            MemorySegment out2 = NativeFloats.zeros(arena, N);
            src.setData(NativeFloats.of(arena, second));
            dst.setData(out2);
            primitive.execute(stream);
            float[] y1 = NativeFloats.read(out1);
            float[] y2 = NativeFloats.read(out2);
            for (int i = 0; i < N; i++) {
                assertEquals(Math.max(0f, first[i]), y1[i], 1e-6f, "first output at " + i);
                assertEquals(Math.max(0f, second[i]), y2[i], 1e-6f, "second output at " + i);
            }
        }
    }

    @Test
    void reluInPlaceOverwritesItsSource() {
        float[] x = input();
        try (Arena arena = Arena.ofConfined();
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, N);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE,
                        EltwiseAlg.RELU, md, md, 0f, 0f);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            MemorySegment data = NativeFloats.of(arena, x);
            primitive.bind(ExecArg.SRC).setData(data);
            primitive.bind(ExecArg.DST).setData(data);
            primitive.execute(stream);
            float[] y = NativeFloats.read(data);
            for (int i = 0; i < N; i++) {
                assertEquals(Math.max(0f, x[i]), y[i], 1e-6f, "in-place relu at " + i);
            }
        }
    }
}
