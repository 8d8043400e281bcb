package dev.normkit.scalar;

import dev.normkit.L2NormalizeDesc;
import dev.normkit.L2NormalizeKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/** p-norm normalize in plain loops: the norm in double, scaled by the row's max |x| (see {@link PNormRows}). */
final class ScalarL2Normalize implements L2NormalizeKernel {

    private final L2NormalizeDesc desc;
    private final PNormRows.Divisor divisor;

    ScalarL2Normalize(L2NormalizeDesc desc) {
        this.desc = desc;
        this.divisor = new PNormRows.Divisor() {
            @Override
            public double of(double norm) {
                return desc.denominator(norm);
            }

            @Override
            public double slope(double norm) {
                return desc.denominatorSlope(norm);
            }
        };
    }

    @Override
    public L2NormalizeDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "scalar";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.l2NormalizeForward(desc, src, dst);
        PNormRows.forward(src, dst, desc.rows(), desc.cols(), desc.p(), 1.0, divisor);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.l2NormalizeBackward(desc, src, diffDst, diffSrc);
        PNormRows.backward(src, diffDst, diffSrc, desc.rows(), desc.cols(), desc.p(), 1.0, divisor);
    }
}
