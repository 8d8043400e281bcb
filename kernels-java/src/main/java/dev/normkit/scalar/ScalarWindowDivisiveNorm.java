package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.DivisiveNormDesc;
import dev.normkit.DivisiveNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * divisive_norm across channels in plain loops: {@link ChannelBlocks} of positions, each computed in double by
 * {@link WindowPNorm}. A block is read whole before it is written, so dst may be src and diffSrc diffDst. Each call
 * allocates its block arrays (the scalar path favours plainness over allocation-free calls).
 */
final class ScalarWindowDivisiveNorm implements DivisiveNormKernel {

    private final DivisiveNormDesc desc;
    private final ChannelBlocks blocks;
    private final int channels;
    private final int half;

    ScalarWindowDivisiveNorm(DivisiveNormDesc desc) {
        this.desc = desc;
        this.blocks = new ChannelBlocks(desc, 1);
        this.channels = blocks.channels();
        this.half = desc.halfWidth();
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
        float[] x = new float[blocks.blockFloats()];
        float[] y = new float[blocks.blockFloats()];
        float[] staging = new float[blocks.stagingFloats()];
        blocks.forEach((o, first, width, stride) -> {
            blocks.load(src, o, first, width, stride, x, 0f, staging);
            WindowPNorm.forward(x, y, channels, stride, width, half, desc.p(), desc.sigma(), desc.gain());
            blocks.store(y, stride, dst, o, first, width, staging);
        });
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, MemorySegment diffGain) {
        KernelArgs.divisiveNormBackward(desc, src, diffDst, diffSrc, diffGain);
        float[] x = new float[blocks.blockFloats()];
        float[] dy = new float[blocks.blockFloats()];
        float[] dx = new float[blocks.blockFloats()];
        float[] staging = new float[blocks.stagingFloats()];
        double[] work = new double[2 * channels];
        double[] dg = {0};
        blocks.forEach((o, first, width, stride) -> {
            blocks.load(src, o, first, width, stride, x, 0f, staging);
            blocks.load(diffDst, o, first, width, stride, dy, 0f, staging);
            dg[0] += WindowPNorm.backward(x, dy, dx, channels, stride, width, half, desc.p(), desc.sigma(),
                    desc.gain(), work);
            blocks.store(dx, stride, diffSrc, o, first, width, staging);
        });
        if (diffGain != null) set(diffGain, 0, (float) dg[0]);
    }
}
