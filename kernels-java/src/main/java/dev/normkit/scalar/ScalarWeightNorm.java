package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.WeightNormDesc;
import dev.normkit.WeightNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Weight norm in plain loops: each slice's sums in double, each output computed in double. A slice is
 * {@code outer} runs of {@code inner} floats (see {@link WeightNormDesc#inner()}).
 */
final class ScalarWeightNorm implements WeightNormKernel {

    private final WeightNormDesc desc;
    private final long slices;
    private final long outer;
    private final long inner;

    ScalarWeightNorm(WeightNormDesc desc) {
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
        return "scalar";
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

    private void normalize(MemorySegment v, MemorySegment g, MemorySegment w, MemorySegment normOut) {
        for (long d = 0; d < slices; d++) {
            double squares = 0;
            for (long o = 0; o < outer; o++) {
                long run = (o * slices + d) * inner;
                for (long i = 0; i < inner; i++) {
                    double x = get(v, run + i);
                    squares += x * x;
                }
            }
            double norm = Math.sqrt(squares);
            double gain = get(g, d);
            for (long o = 0; o < outer; o++) {
                long run = (o * slices + d) * inner;
                for (long i = 0; i < inner; i++) set(w, run + i, (float) (gain * get(v, run + i) / norm));
            }
            if (normOut != null) set(normOut, d, (float) norm);
        }
    }

    @Override
    public void backward(MemorySegment v, MemorySegment g, MemorySegment norm, MemorySegment diffW,
            MemorySegment diffV, MemorySegment diffG) {
        KernelArgs.weightNormBackward(desc, v, g, norm, diffW, diffV, diffG);
        for (long d = 0; d < slices; d++) {
            double dot = 0;
            for (long o = 0; o < outer; o++) {
                long run = (o * slices + d) * inner;
                for (long i = 0; i < inner; i++) dot += (double) get(diffW, run + i) * get(v, run + i);
            }
            double n = get(norm, d);
            double dg = dot / n;
            double a = get(g, d) / n;
            double b = dg / n;
            for (long o = 0; o < outer; o++) {
                long run = (o * slices + d) * inner;
                for (long i = 0; i < inner; i++) {
                    set(diffV, run + i, (float) (a * (get(diffW, run + i) - get(v, run + i) * b)));
                }
            }
            set(diffG, d, (float) dg);
        }
    }
}
