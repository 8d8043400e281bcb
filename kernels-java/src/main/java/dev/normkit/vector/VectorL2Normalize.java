package dev.normkit.vector;

import dev.normkit.L2NormalizeDesc;
import dev.normkit.L2NormalizeKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * p-norm normalize on the Vector API: {@code y = x / max(n, eps)}, rows by {@link VectorPNorm} (floor eps, no sigma).
 */
final class VectorL2Normalize implements L2NormalizeKernel {

    private final L2NormalizeDesc desc;
    private final VectorPNorm rows;

    VectorL2Normalize(L2NormalizeDesc desc) {
        this.desc = desc;
        this.rows = new VectorPNorm(desc.rows(), desc.cols(), desc.p(), desc.eps(), 0f, 1f);
    }

    @Override
    public L2NormalizeDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.l2NormalizeForward(desc, src, dst);
        rows.forward(src, dst);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.l2NormalizeBackward(desc, src, diffDst, diffSrc);
        rows.backward(src, diffDst, diffSrc);
    }
}
