package dev.normkit.onednn.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad requests surface as exceptions that name the call or argument, never as a crash. */
class DnnlErrorsTest {

    private static final Set<NormFlag> SCALE_SHIFT = EnumSet.of(NormFlag.USE_SCALE, NormFlag.USE_SHIFT);

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

    @Test
    void layerNormWithMismatchedSrcAndDstDimsIsInvalidArguments() {
        try (DnnlMemoryDesc src = DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, 4, 8);
                DnnlMemoryDesc dst = DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, 4, 9)) {
            DnnlException e = assertThrows(DnnlException.class, () -> DnnlPrimitiveDesc.layerNormForward(engine,
                    PropKind.FORWARD_TRAINING, src, dst, null, 1e-5f, SCALE_SHIFT));
            assertEquals("invalid_arguments", e.statusName());
            assertEquals("dnnl_layer_normalization_forward_primitive_desc_create", e.call());
            assertTrue(e.getMessage().contains("dnnl_layer_normalization_forward_primitive_desc_create failed: "
                    + "invalid_arguments"), e.getMessage());
        }
    }

    @Test
    void softmaxAxisOutsideTheTensorIsInvalidArguments() {
        try (DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, 4, 8)) {
            DnnlException e = assertThrows(DnnlException.class, () -> DnnlPrimitiveDesc.softmaxForward(engine,
                    PropKind.FORWARD_INFERENCE, SoftmaxAlg.ACCURATE, md, md, 2));
            assertEquals("invalid_arguments", e.statusName());
            assertTrue(e.getMessage().contains("axis 2"), e.getMessage());
        }
    }

    @Test
    void groupsThatDoNotDivideTheChannelsAreInvalidArguments() {
        try (DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.ABCD, 2, 8, 3, 3)) {
            DnnlException e = assertThrows(DnnlException.class, () -> DnnlPrimitiveDesc.groupNormForward(engine,
                    PropKind.FORWARD_TRAINING, md, md, 3, 1e-5f, SCALE_SHIFT));
            assertEquals("invalid_arguments", e.statusName());
        }
    }

    @Test
    void unboundNeededArgumentIsInvalidArgumentsAtExecute() {
        try (Arena arena = Arena.ofConfined();
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, 4, 8);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.layerNormForward(engine, PropKind.FORWARD_INFERENCE, md,
                        md, null, 1e-5f, SCALE_SHIFT);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            primitive.bind(ExecArg.SRC).setData(NativeFloats.zeros(arena, 32));
            primitive.bind(ExecArg.DST).setData(NativeFloats.zeros(arena, 32));
            DnnlException e = assertThrows(DnnlException.class, () -> primitive.execute(stream));
            assertEquals("invalid_arguments", e.statusName());
            assertEquals("dnnl_primitive_execute", e.call());
            // the scratchpad appears in both lists only where this CPU's implementation needs one
            assertTrue(e.getMessage().contains("bound [SRC, DST") && e.getMessage().contains("of [SRC, DST, SCALE, SHIFT"),
                    e.getMessage());
        }
    }

    @Test
    void boundArgumentWithoutDataIsRefusedBeforeExecution() {
        try (Arena arena = Arena.ofConfined();
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, 16);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE,
                        EltwiseAlg.RELU, md, md, 0f, 0f);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            primitive.bind(ExecArg.SRC).setData(NativeFloats.zeros(arena, 16));
            primitive.bind(ExecArg.DST);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> primitive.execute(stream));
            assertTrue(e.getMessage().startsWith("DST: no data set"), e.getMessage());
        }
    }

    @Test
    void segmentOfAClosedArenaIsRefusedBeforeExecution() {
        try (DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, 16);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE,
                        EltwiseAlg.RELU, md, md, 0f, 0f);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            Arena arena = Arena.ofConfined();
            primitive.bind(ExecArg.SRC).setData(NativeFloats.zeros(arena, 16));
            primitive.bind(ExecArg.DST).setData(NativeFloats.zeros(arena, 16));
            arena.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> primitive.execute(stream));
            assertTrue(e.getMessage().contains("arena is closed"), e.getMessage());
        }
    }

    @Test
    void heapAndUndersizedSegmentsAreRefusedWithTheArgumentName() {
        try (Arena arena = Arena.ofConfined();
                DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, 16);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE,
                        EltwiseAlg.RELU, md, md, 0f, 0f);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            DnnlMemory src = primitive.bind(ExecArg.SRC);
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> src.setData(MemorySegment.ofArray(new float[16])));
            assertTrue(heap.getMessage().startsWith("SRC: expected a native segment"), heap.getMessage());
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> src.setData(NativeFloats.zeros(arena, 15)));
            assertEquals("SRC: expected at least 64 bytes, got 60", small.getMessage());
        }
    }

    @Test
    void argumentThePrimitiveDoesNotAcceptCannotBeBoundOrBoundTwice() {
        try (DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.A, 16);
                DnnlPrimitiveDesc pd = DnnlPrimitiveDesc.eltwiseForward(engine, PropKind.FORWARD_INFERENCE,
                        EltwiseAlg.RELU, md, md, 0f, 0f);
                DnnlPrimitive primitive = DnnlPrimitive.create(pd)) {
            assertEquals(EnumSet.of(ExecArg.SRC, ExecArg.DST), primitive.arguments());
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> primitive.bind(ExecArg.DIFF_DST));
            assertTrue(foreign.getMessage().contains("not DIFF_DST"), foreign.getMessage());
            primitive.bind(ExecArg.SRC);
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> primitive.bind(ExecArg.SRC));
            assertTrue(twice.getMessage().contains("SRC is already bound"), twice.getMessage());
        }
    }

    @Test
    void valuesOneDnnWouldAcceptButCannotComputeAreRefusedInJava() {
        try (DnnlMemoryDesc md = DnnlMemoryDesc.of(DataType.F32, FormatTag.ABCD, 2, 8, 3, 3)) {
            IllegalArgumentException eps = assertThrows(IllegalArgumentException.class,
                    () -> DnnlPrimitiveDesc.layerNormForward(engine, PropKind.FORWARD_TRAINING, md, md, null, -1f,
                            SCALE_SHIFT));
            assertEquals("eps: expected a finite value >= 0, got -1.0", eps.getMessage());
            IllegalArgumentException lrn = assertThrows(IllegalArgumentException.class,
                    () -> DnnlPrimitiveDesc.lrnForward(engine, PropKind.FORWARD_TRAINING, LrnAlg.ACROSS_CHANNELS, md,
                            md, 0, 1e-4f, 0.75f, 1f));
            assertEquals("localSize: expected >= 1, got 0", lrn.getMessage());
            IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
                    () -> DnnlPrimitiveDesc.groupNormForward(engine, PropKind.FORWARD_TRAINING, md, md, 0, 1e-5f,
                            SCALE_SHIFT));
            assertEquals("groups: expected >= 1, got 0", groups.getMessage());
            IllegalArgumentException prop = assertThrows(IllegalArgumentException.class,
                    () -> DnnlPrimitiveDesc.batchNormForward(engine, PropKind.BACKWARD, md, md, 1e-5f, SCALE_SHIFT));
            assertEquals("prop: expected FORWARD_TRAINING or FORWARD_INFERENCE, got BACKWARD", prop.getMessage());
        }
    }

    @Test
    void memoryDescriptorArgumentsAreCheckedBeforeTheNativeCall() {
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> DnnlMemoryDesc.of(DataType.F32, FormatTag.ABCD, 2, 3, 4));
        assertEquals("dims: format tag ABCD is 4-D, got 3 dims [2, 3, 4]", rank.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, 2, 0));
        assertEquals("dims: entry 1 must be positive, got 0 in [2, 0]", zero.getMessage());
        IllegalArgumentException strides = assertThrows(IllegalArgumentException.class,
                () -> DnnlMemoryDesc.strided(DataType.F32, new long[] {2, 3}, new long[] {3}));
        assertEquals("strides: expected 2 entries (one per dim), got 1", strides.getMessage());
    }
}
