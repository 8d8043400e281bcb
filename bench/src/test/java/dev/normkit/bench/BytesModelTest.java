package dev.normkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.normkit.Shape;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes each kernel direction is charged for, worked out by hand from docs/measuring.md's rule. */
class BytesModelTest {

    private static final Shape S = Shape.of(64, 1024); // 65536 elements, 64 rows, 1024 cols

    @Test
    void layerNormForwardReadsSrcScaleShiftAndWritesDst() {
        // src 65536 + gamma 1024 + beta 1024 + dst 65536 floats
        assertEquals(4L * (65536 + 1024 + 1024 + 65536), BytesModel.bytes(KernelId.LAYER_NORM, Direction.FORWARD, S));
    }

    @Test
    void layerNormTrainingAlsoWritesMeanAndRstdPerRow() {
        assertEquals(4L * (65536 + 1024 + 1024 + 65536 + 64 + 64),
                BytesModel.bytes(KernelId.LAYER_NORM, Direction.FORWARD_TRAINING, S));
    }

    @Test
    void layerNormBackwardReadsFiveTensorsAndWritesThree() {
        // in: src, diffDst, gamma, mean, rstd; out: diffSrc, diffScale, diffShift
        assertEquals(4L * (65536 + 65536 + 1024 + 64 + 64 + 65536 + 1024 + 1024),
                BytesModel.bytes(KernelId.LAYER_NORM, Direction.BACKWARD, S));
        List<String> names = BytesModel.tensors(KernelId.LAYER_NORM, Direction.BACKWARD, S).stream()
                .map(TensorSpec::name).toList();
        assertEquals(List.of("src", "diffDst", "scale", "mean", "rstd", "diffSrc", "diffScale", "diffShift"), names);
    }

    @Test
    void rmsNormHasNoShiftAndNoMean() {
        assertEquals(4L * (65536 + 1024 + 65536), BytesModel.bytes(KernelId.RMS_NORM, Direction.FORWARD, S));
        assertEquals(4L * (65536 + 1024 + 65536 + 64),
                BytesModel.bytes(KernelId.RMS_NORM, Direction.FORWARD_TRAINING, S));
        assertEquals(4L * (65536 + 65536 + 1024 + 64 + 65536 + 1024),
                BytesModel.bytes(KernelId.RMS_NORM, Direction.BACKWARD, S));
    }

    @Test
    void softmaxMovesTwoTensorsForwardAndThreeBackward() {
        assertEquals(4L * 2 * 65536, BytesModel.bytes(KernelId.SOFTMAX, Direction.FORWARD, S));
        assertEquals(4L * 3 * 65536, BytesModel.bytes(KernelId.LOG_SOFTMAX, Direction.BACKWARD, S));
    }

    @Test
    void activationsMoveTwoTensorsForwardAndThreeBackward() {
        assertEquals(4L * 2 * 65536, BytesModel.bytes(KernelId.GELU_ERF, Direction.FORWARD, S));
        assertEquals(4L * 3 * 65536, BytesModel.bytes(KernelId.SILU, Direction.BACKWARD, S));
        assertEquals(4L * 3 * 65536, BytesModel.bytes(KernelId.RELU, Direction.BACKWARD_FROM_DST, S));
    }

    @Test
    void copyRoofReadsAndWritesTheDataTensorOnce() {
        assertEquals(4L * 2 * 65536, BytesModel.copyBytes(S));
    }

    @Test
    void aDirectionTheKernelDoesNotHaveIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BytesModel.bytes(KernelId.SOFTMAX, Direction.FORWARD_TRAINING, S));
        assertEquals(true, e.getMessage().startsWith("direction:"), e.getMessage());
    }

    @Test
    void gigabytesPerSecondIsBytesTimesCallersPerNanosecond() {
        assertEquals(2.0, BytesModel.gigabytesPerSecond(1000, 500, 1), 0);
        assertEquals(4.0, BytesModel.gigabytesPerSecond(1000, 500, 2), 0);
    }

    @Test
    void sizeClassesPutOneDataTensorInL2LlcAndDram() {
        assertEquals(256L << 10, SizeClass.L2.shape().elementCount() * 4);
        assertEquals(16L << 20, SizeClass.LLC.shape().elementCount() * 4);
        assertEquals(256L << 20, SizeClass.DRAM.shape().elementCount() * 4);
    }
}
