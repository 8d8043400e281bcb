package dev.normkit.bench;

import static dev.normkit.bench.KernelCalls.unsupported;

import dev.normkit.SpectralNormKernel;
import dev.normkit.WeightNormKernel;
import dev.normkit.conformance.Direction;
import java.lang.foreign.MemorySegment;

/**
 * {@link KernelCalls} for the weight reparameterizations. Heap tensors go through the {@code float[]} overloads, native
 * ones through the segment methods. Names as {@link BytesModel#tensors}: weight norm's v, g, w, norm are src, scale,
 * dst, norm; spectral norm's u and v are updated in place by each training call (the iteration converges and stays).
 */
final class WeightCalls {
    private WeightCalls() {}

    static Runnable weightNorm(WeightNormKernel k, Direction direction, Tensors t, boolean heapArrays) {
        if (heapArrays) {
            float[] v = t.array("src");
            float[] g = t.array("scale");
            return switch (direction) {
                case FORWARD -> {
                    float[] w = t.array("dst");
                    yield () -> k.forward(v, g, w);
                }
                case FORWARD_TRAINING -> {
                    float[] w = t.array("dst");
                    float[] norm = t.array("norm");
                    yield () -> k.forwardTraining(v, g, w, norm);
                }
                case BACKWARD -> {
                    float[] norm = t.array("norm");
                    float[] diffW = t.array("diffDst");
                    float[] diffV = t.array("diffSrc");
                    float[] diffG = t.array("diffScale");
                    yield () -> k.backward(v, g, norm, diffW, diffV, diffG);
                }
                default -> throw unsupported(k, direction);
            };
        }
        MemorySegment v = t.segment("src");
        MemorySegment g = t.segment("scale");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment w = t.segment("dst");
                yield () -> k.forward(v, g, w);
            }
            case FORWARD_TRAINING -> {
                MemorySegment w = t.segment("dst");
                MemorySegment norm = t.segment("norm");
                yield () -> k.forwardTraining(v, g, w, norm);
            }
            case BACKWARD -> {
                MemorySegment norm = t.segment("norm");
                MemorySegment diffW = t.segment("diffDst");
                MemorySegment diffV = t.segment("diffSrc");
                MemorySegment diffG = t.segment("diffScale");
                yield () -> k.backward(v, g, norm, diffW, diffV, diffG);
            }
            default -> throw unsupported(k, direction);
        };
    }

    static Runnable spectralNorm(SpectralNormKernel k, Direction direction, Tensors t, boolean heapArrays) {
        if (heapArrays) {
            float[] src = t.array("src");
            float[] u = t.array("u");
            float[] v = t.array("v");
            return switch (direction) {
                case FORWARD -> {
                    float[] dst = t.array("dst");
                    yield () -> k.forward(src, u, v, dst);
                }
                case FORWARD_TRAINING -> {
                    float[] dst = t.array("dst");
                    float[] sigma = t.array("sigma");
                    yield () -> k.forwardTraining(src, u, v, dst, sigma);
                }
                case BACKWARD -> {
                    float[] diffDst = t.array("diffDst");
                    float[] sigma = t.array("sigma");
                    float[] diffSrc = t.array("diffSrc");
                    yield () -> k.backward(src, diffDst, u, v, sigma, diffSrc);
                }
                default -> throw unsupported(k, direction);
            };
        }
        MemorySegment src = t.segment("src");
        MemorySegment u = t.segment("u");
        MemorySegment v = t.segment("v");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment dst = t.segment("dst");
                yield () -> k.forward(src, u, v, dst);
            }
            case FORWARD_TRAINING -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment sigma = t.segment("sigma");
                yield () -> k.forwardTraining(src, u, v, dst, sigma);
            }
            case BACKWARD -> {
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment sigma = t.segment("sigma");
                MemorySegment diffSrc = t.segment("diffSrc");
                yield () -> k.backward(src, diffDst, u, v, sigma, diffSrc);
            }
            default -> throw unsupported(k, direction);
        };
    }
}
