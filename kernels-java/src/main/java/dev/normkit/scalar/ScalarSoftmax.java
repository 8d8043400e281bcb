package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Softmax and log-softmax in plain loops along any axis: element {@code k} of the row at ({@code o}, {@code i}) is
 * at {@code (o * axisLength + k) * inner + i}. Exponentials and sums are taken in double.
 *
 * <p>A NaN anywhere in a row makes the whole row NaN (it reaches the sum), and a row holding +inf is NaN too
 * ({@code inf - inf}), as in PyTorch.
 */
final class ScalarSoftmax implements SoftmaxKernel {

    private final SoftmaxDesc desc;
    private final long outer;
    private final long length;
    private final long inner;

    ScalarSoftmax(SoftmaxDesc desc) {
        this.desc = desc;
        this.outer = desc.outer();
        this.length = desc.axisLength();
        this.inner = desc.inner();
    }

    @Override
    public SoftmaxDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "scalar";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.softmaxForward(desc, src, dst);
        for (long o = 0; o < outer; o++) {
            for (long i = 0; i < inner; i++) {
                forwardRow(src, dst, o * length * inner + i);
            }
        }
    }

    /** One row starting at element {@code first}, stride {@code inner}. */
    private void forwardRow(MemorySegment src, MemorySegment dst, long first) {
        // Plain comparison skips NaN here on purpose: a NaN still reaches the sum below and poisons the row.
        float max = Float.NEGATIVE_INFINITY;
        for (long k = 0; k < length; k++) {
            float x = get(src, first + k * inner);
            if (x > max) max = x;
        }
        double sum = 0;
        for (long k = 0; k < length; k++) {
            sum += Math.exp((double) get(src, first + k * inner) - max);
        }
        // The exponentials are taken again rather than kept in dst as floats, so each output is rounded once.
        double logSum = Math.log(sum);
        for (long k = 0; k < length; k++) {
            long at = first + k * inner;
            double shifted = (double) get(src, at) - max;
            set(dst, at, (float) (desc.log() ? shifted - logSum : Math.exp(shifted) / sum));
        }
    }

    @Override
    public void backward(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.softmaxBackward(desc, dst, diffDst, diffSrc);
        for (long o = 0; o < outer; o++) {
            for (long i = 0; i < inner; i++) {
                backwardRow(dst, diffDst, diffSrc, o * length * inner + i);
            }
        }
    }

    private void backwardRow(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc, long first) {
        // softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy).
        double sum = 0;
        for (long k = 0; k < length; k++) {
            long at = first + k * inner;
            double dy = get(diffDst, at);
            sum += desc.log() ? dy : dy * get(dst, at);
        }
        for (long k = 0; k < length; k++) {
            long at = first + k * inner;
            double y = get(dst, at);
            double dy = get(diffDst, at);
            set(diffSrc, at, (float) (desc.log() ? dy - Math.exp(y) * sum : y * (dy - sum)));
        }
    }
}
