package dev.normkit.vector;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.DivisiveNormDesc;
import dev.normkit.DivisiveNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Divisive p-norm normalization on the Vector API: {@code y = g * x / (sigma + n)}, rows by {@link VectorPNorm} (floor
 * 0: the norm is never below it).
 */
final class VectorDivisiveNorm implements DivisiveNormKernel {

    private final DivisiveNormDesc desc;
    private final VectorPNorm rows;

    VectorDivisiveNorm(DivisiveNormDesc desc) {
        this.desc = desc;
        this.rows = new VectorPNorm(desc.rows(), desc.cols(), desc.p(), 0f, desc.sigma(), desc.gain());
    }

    @Override
    public DivisiveNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.divisiveNormForward(desc, src, dst);
        rows.forward(src, dst);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, MemorySegment diffGain) {
        KernelArgs.divisiveNormBackward(desc, src, diffDst, diffSrc, diffGain);
        double dg = rows.backward(src, diffDst, diffSrc);
        if (diffGain != null) diffGain.setAtIndex(JAVA_FLOAT, 0, (float) dg);
    }
}
