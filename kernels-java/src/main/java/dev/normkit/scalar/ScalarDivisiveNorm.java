package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.DivisiveNormDesc;
import dev.normkit.DivisiveNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/** Divisive p-norm normalization in plain loops: the norm in double, scaled by the row's max |x| ({@link PNormRows}). */
final class ScalarDivisiveNorm implements DivisiveNormKernel {

    private final DivisiveNormDesc desc;
    private final PNormRows.Divisor divisor;

    ScalarDivisiveNorm(DivisiveNormDesc desc) {
        this.desc = desc;
        this.divisor = new PNormRows.Divisor() {
            @Override
            public double of(double norm) {
                return desc.denominator(norm);
            }

            @Override
            public double slope(double norm) {
                return 1.0;
            }
        };
    }

    @Override
    public DivisiveNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "scalar";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.divisiveNormForward(desc, src, dst);
        PNormRows.forward(src, dst, desc.rows(), desc.cols(), desc.p(), desc.gain(), divisor);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, MemorySegment diffGain) {
        KernelArgs.divisiveNormBackward(desc, src, diffDst, diffSrc, diffGain);
        double dg = PNormRows.backward(src, diffDst, diffSrc, desc.rows(), desc.cols(), desc.p(), desc.gain(),
                divisor);
        if (diffGain != null) set(diffGain, 0, (float) dg);
    }
}
