package dev.normkit.onednn.dnnl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class DnnlLifetimeTest {

    @Test
    void everyObjectClosesTwiceHarmlesslyAndRefusesUseAfterClose() {
        DnnlEngine engine = DnnlEngine.cpu();
        DnnlStream stream = DnnlStream.create(engine);
        DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, 8);
        DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE, EltwiseAlg.RELU,
                md, md, 0f, 0f);
        DnnlPrimitive primitive = DnnlPrimitive.create(pd);
        DnnlMemory src = primitive.bind(ExecArg.SRC);
        for (AutoCloseable c : new AutoCloseable[] {primitive, pd, md, stream, engine}) {
            assertDoesNotThrowTwice(c);
        }
        assertEquals("DnnlPrimitive is closed",
                assertThrows(IllegalStateException.class, () -> primitive.execute(stream)).getMessage());
        assertEquals("SRC: the primitive is closed", assertThrows(IllegalStateException.class,
                () -> src.setData(Arena.global().allocate(32))).getMessage());
        assertEquals("DnnlPrimitiveDesc is closed",
                assertThrows(IllegalStateException.class, pd::implementation).getMessage());
        assertEquals("DnnlMemoryDesc is closed", assertThrows(IllegalStateException.class, md::byteSize).getMessage());
        assertEquals("DnnlStream is closed", assertThrows(IllegalStateException.class, stream::await).getMessage());
        assertEquals("DnnlEngine is closed",
                assertThrows(IllegalStateException.class, () -> DnnlStream.create(engine)).getMessage());
    }

    private static void assertDoesNotThrowTwice(AutoCloseable c) {
        try {
            c.close();
            c.close();
        } catch (Exception e) {
            throw new AssertionError("closing " + c.getClass().getSimpleName() + " twice threw", e);
        }
    }

    @Test
    void primitiveStillRunsAfterItsEngineDescriptorsAndStreamOwnerCloseFirst() {
        DnnlEngine engine = DnnlEngine.cpu();
        DnnlPrimitive primitive;
        try (DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, 4);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE,
                        EltwiseAlg.RELU, md, md, 0f, 0f)) {
            primitive = DnnlPrimitive.create(pd);
        }
        DnnlStream stream = DnnlStream.create(engine);
        engine.close(); // the native engine lives on while the stream and primitive use it
        try (Arena arena = Arena.ofConfined(); stream; primitive) {
            MemorySegment dst = NativeFloats.zeros(arena, 4);
            primitive.bind(ExecArg.SRC).setData(NativeFloats.of(arena, new float[] {-1f, 2f, -3f, 4f}));
            primitive.bind(ExecArg.DST).setData(dst);
            primitive.execute(stream);
            assertArrayEquals(new float[] {0f, 2f, 0f, 4f}, NativeFloats.read(dst));
        }
    }

    @Test
    void memoryDescriptorReportsItsDimsSizeAndEquality() {
        try (DnnlMemoryDesc plain = DnnlMemoryDesc.of(DataType.F32, FormatTag.ABCD, 2, 3, 4, 5);
                DnnlMemoryDesc nhwc = DnnlMemoryDesc.of(DataType.F32, FormatTag.ACDB, 2, 3, 4, 5);
                DnnlMemoryDesc stridedNchw = DnnlMemoryDesc.strided(DataType.F32, new long[] {2, 3, 4, 5},
                        new long[] {60, 20, 5, 1});
                DnnlMemoryDesc padded = DnnlMemoryDesc.strided(DataType.F32, new long[] {3, 5}, new long[] {8, 1});
                DnnlMemoryDesc half = DnnlMemoryDesc.of(DataType.BF16, FormatTag.AB, 3, 5)) {
            assertArrayEquals(new long[] {2, 3, 4, 5}, nhwc.dims(), "dims are logical whatever the layout");
            assertEquals(4, nhwc.ndims());
            assertEquals(2 * 3 * 4 * 5 * 4, plain.byteSize());
            assertTrue(plain.sameAs(stridedNchw));
            assertFalse(plain.sameAs(nhwc));
            // oneDNN sizes a strided buffer as dims[0] * strides[0]: the padding after the last row counts too
            assertEquals(3 * 8 * 4, padded.byteSize());
            assertEquals(3 * 5 * 2, half.byteSize());
        }
    }

    @Test
    void primitiveDescriptorReportsArgumentDescriptorsFromTheRequest() {
        try (DnnlEngine engine = DnnlEngine.cpu();
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, 6, 10);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.layerNormForward(engine, PropKind.FORWARD_TRAINING, md, md,
                        null, 1e-5f, EnumSet.of(NormFlag.USE_SCALE));
                DnnlMemoryDesc mean = pd.desc(ExecArg.MEAN).orElseThrow();
                DnnlMemoryDesc scale = pd.desc(ExecArg.SCALE).orElseThrow()) {
            assertArrayEquals(new long[] {6}, mean.dims(), "one statistic per row");
            assertArrayEquals(new long[] {10}, scale.dims(), "one scale per channel");
            assertEquals(6 * 10 * 4, pd.byteSize(ExecArg.DST));
            assertTrue(pd.desc(ExecArg.DIFF_DST).isEmpty(), "a forward primitive takes no DIFF_DST");
            assertEquals(0, pd.byteSize(ExecArg.WORKSPACE));
            assertFalse(pd.implementation().isBlank());
        }
    }
}
