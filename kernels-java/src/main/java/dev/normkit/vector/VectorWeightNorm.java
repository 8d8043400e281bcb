package dev.normkit.vector;

import static dev.normkit.vector.HeapStaging.bytes;
import static dev.normkit.vector.HeapStaging.copyBack;
import static dev.normkit.vector.Placement.array;
import static dev.normkit.vector.Placement.index;

import dev.normkit.WeightNormDesc;
import dev.normkit.WeightNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Weight norm on the Vector API. Forward reads each slice twice: its sum of squares (f32 lanes per contiguous run,
 * runs added in double; a run whose f32 squares overflow or underflow is summed again in double), then
 * {@code w = v * (g / norm)}. Backward likewise: {@code sum(diffW * v)}, then {@code diffV = diffW * a + v * b} in
 * one fma per element. With dim 0 a slice is one contiguous run; with the last dim every run is one float, and the
 * loops run their scalar tails only.
 *
 * <p>Each call picks its loops once by {@link Placement}: {@link WeightNormArrayLoops} on {@code float[]}, the
 * template {@link WeightNormSegmentLoops} on native memory, the latter after {@link HeapStaging} otherwise. Not
 * thread-safe on mixed memory (the kernel's staging buffer is shared).
 */
final class VectorWeightNorm implements WeightNormKernel {

    private final WeightNormDesc desc;
    private final long slices;
    private final long outer;
    private final long inner;
    private final HeapStaging staging = new HeapStaging();

    VectorWeightNorm(WeightNormDesc desc) {
        this.desc = desc;
        this.slices = desc.slices();
        this.outer = desc.outer();
        this.inner = desc.inner();
    }

    @Override
    public WeightNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment v, MemorySegment g, MemorySegment w) {
        KernelArgs.weightNormForward(desc, v, g, w, false, null);
        normalize(v, g, w, null);
    }

    @Override
    public void forwardTraining(MemorySegment v, MemorySegment g, MemorySegment w, MemorySegment norm) {
        KernelArgs.weightNormForward(desc, v, g, w, true, norm);
        normalize(v, g, w, norm);
    }

    private void normalize(MemorySegment v, MemorySegment g, MemorySegment w, MemorySegment norm) {
        switch (Placement.of(v, g, w, norm)) {
            case ARRAYS -> WeightNormArrayLoops.forward(array(v), index(v), array(g), index(g), array(w), index(w),
                    array(norm), index(norm), (int) slices, (int) outer, (int) inner);
            case NATIVE -> WeightNormSegmentLoops.forward(v, 0, g, 0, w, 0, norm, 0, slices, outer, inner);
            case MIXED -> {
                long n = desc.shape().elementCount();
                staging.begin(bytes(v, n) + bytes(g, slices) + bytes(w, n) + bytes(norm, slices));
                MemorySegment out = staging.output(w, n);
                MemorySegment normOut = staging.output(norm, slices);
                WeightNormSegmentLoops.forward(staging.input(v, n), 0, staging.input(g, slices), 0, out, 0, normOut,
                        0, slices, outer, inner);
                copyBack(out, w);
                if (norm != null) copyBack(normOut, norm);
            }
        }
    }

    @Override
    public void backward(MemorySegment v, MemorySegment g, MemorySegment norm, MemorySegment diffW,
            MemorySegment diffV, MemorySegment diffG) {
        KernelArgs.weightNormBackward(desc, v, g, norm, diffW, diffV, diffG);
        switch (Placement.of(v, g, norm, diffW, diffV, diffG)) {
            case ARRAYS -> WeightNormArrayLoops.backward(array(v), index(v), array(g), index(g), array(norm),
                    index(norm), array(diffW), index(diffW), array(diffV), index(diffV), array(diffG), index(diffG),
                    (int) slices, (int) outer, (int) inner);
            case NATIVE -> WeightNormSegmentLoops.backward(v, 0, g, 0, norm, 0, diffW, 0, diffV, 0, diffG, 0, slices,
                    outer, inner);
            case MIXED -> {
                long n = desc.shape().elementCount();
                staging.begin(bytes(v, n) + bytes(g, slices) + bytes(norm, slices) + bytes(diffW, n)
                        + bytes(diffV, n) + bytes(diffG, slices));
                MemorySegment dv = staging.output(diffV, n);
                MemorySegment dg = staging.output(diffG, slices);
                WeightNormSegmentLoops.backward(staging.input(v, n), 0, staging.input(g, slices), 0,
                        staging.input(norm, slices), 0, staging.input(diffW, n), 0, dv, 0, dg, 0, slices, outer,
                        inner);
                copyBack(dv, diffV);
                copyBack(dg, diffG);
            }
        }
    }
}
