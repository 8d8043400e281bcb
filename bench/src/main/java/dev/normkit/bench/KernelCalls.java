package dev.normkit.bench;

import dev.normkit.ActivationKernel;
import dev.normkit.BatchNormKernel;
import dev.normkit.DivisiveNormKernel;
import dev.normkit.GroupNormKernel;
import dev.normkit.InstanceNormKernel;
import dev.normkit.Kernel;
import dev.normkit.L2NormalizeKernel;
import dev.normkit.LayerNormKernel;
import dev.normkit.LrnKernel;
import dev.normkit.RmsNormKernel;
import dev.normkit.SoftmaxKernel;
import dev.normkit.SpectralNormKernel;
import dev.normkit.WeightNormKernel;
import dev.normkit.conformance.Direction;
import java.lang.foreign.MemorySegment;

/**
 * Binds one kernel direction to its tensors once, so a benchmark call is a single kernel call with no look-ups. Native
 * tensors go through the {@code MemorySegment} methods, heap tensors through the {@code float[]} overloads: that
 * difference is the whole point of the {@code onednn-array} path.
 */
public final class KernelCalls {
    private KernelCalls() {}

    /** The call of {@code kernel}'s {@code direction} on the tensors {@link BytesModel#tensors} names. */
    public static Runnable bind(Kernel kernel, Direction direction, Tensors t, boolean heapArrays) {
        return switch (kernel) {
            case LayerNormKernel k -> heapArrays ? layerNormArrays(k, direction, t) : layerNorm(k, direction, t);
            case RmsNormKernel k -> heapArrays ? rmsNormArrays(k, direction, t) : rmsNorm(k, direction, t);
            case SoftmaxKernel k -> heapArrays ? softmaxArrays(k, direction, t) : softmax(k, direction, t);
            case ActivationKernel k -> heapArrays ? activationArrays(k, direction, t) : activation(k, direction, t);
            case BatchNormKernel k -> batchNorm(k, direction, t, heapArrays);
            case GroupNormKernel k -> groupNorm(k, direction, t, heapArrays);
            case InstanceNormKernel k -> instanceNorm(k, direction, t, heapArrays);
            case WeightNormKernel k -> WeightCalls.weightNorm(k, direction, t, heapArrays);
            case SpectralNormKernel k -> WeightCalls.spectralNorm(k, direction, t, heapArrays);
            case LrnKernel k -> lrn(k, direction, t, heapArrays);
            case L2NormalizeKernel k -> l2Normalize(k, direction, t, heapArrays);
            case DivisiveNormKernel k -> divisiveNorm(k, direction, t, heapArrays);
            default -> throw new IllegalArgumentException("kernel: no benchmark call for " + kernel.getClass());
        };
    }

    private static Runnable layerNorm(LayerNormKernel k, Direction direction, Tensors t) {
        MemorySegment src = t.segment("src");
        MemorySegment scale = t.segment("scale");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment shift = t.segment("shift");
                yield () -> k.forward(src, dst, scale, shift);
            }
            case FORWARD_TRAINING -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment shift = t.segment("shift");
                MemorySegment mean = t.segment("mean");
                MemorySegment rstd = t.segment("rstd");
                yield () -> k.forwardTraining(src, dst, scale, shift, mean, rstd);
            }
            case BACKWARD -> {
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment mean = t.segment("mean");
                MemorySegment rstd = t.segment("rstd");
                MemorySegment diffSrc = t.segment("diffSrc");
                MemorySegment diffScale = t.segment("diffScale");
                MemorySegment diffShift = t.segment("diffShift");
                yield () -> k.backward(src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
            }
            default -> throw unsupported(k, direction);
        };
    }

    private static Runnable layerNormArrays(LayerNormKernel k, Direction direction, Tensors t) {
        float[] src = t.array("src");
        float[] scale = t.array("scale");
        return switch (direction) {
            case FORWARD -> {
                float[] dst = t.array("dst");
                float[] shift = t.array("shift");
                yield () -> k.forward(src, dst, scale, shift);
            }
            case FORWARD_TRAINING -> {
                float[] dst = t.array("dst");
                float[] shift = t.array("shift");
                float[] mean = t.array("mean");
                float[] rstd = t.array("rstd");
                yield () -> k.forwardTraining(src, dst, scale, shift, mean, rstd);
            }
            case BACKWARD -> {
                float[] diffDst = t.array("diffDst");
                float[] mean = t.array("mean");
                float[] rstd = t.array("rstd");
                float[] diffSrc = t.array("diffSrc");
                float[] diffScale = t.array("diffScale");
                float[] diffShift = t.array("diffShift");
                yield () -> k.backward(src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
            }
            default -> throw unsupported(k, direction);
        };
    }

    private static Runnable rmsNorm(RmsNormKernel k, Direction direction, Tensors t) {
        MemorySegment src = t.segment("src");
        MemorySegment scale = t.segment("scale");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment dst = t.segment("dst");
                yield () -> k.forward(src, dst, scale);
            }
            case FORWARD_TRAINING -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment rstd = t.segment("rstd");
                yield () -> k.forwardTraining(src, dst, scale, rstd);
            }
            case BACKWARD -> {
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment rstd = t.segment("rstd");
                MemorySegment diffSrc = t.segment("diffSrc");
                MemorySegment diffScale = t.segment("diffScale");
                yield () -> k.backward(src, diffDst, scale, rstd, diffSrc, diffScale);
            }
            default -> throw unsupported(k, direction);
        };
    }

    private static Runnable rmsNormArrays(RmsNormKernel k, Direction direction, Tensors t) {
        float[] src = t.array("src");
        float[] scale = t.array("scale");
        return switch (direction) {
            case FORWARD -> {
                float[] dst = t.array("dst");
                yield () -> k.forward(src, dst, scale);
            }
            case FORWARD_TRAINING -> {
                float[] dst = t.array("dst");
                float[] rstd = t.array("rstd");
                yield () -> k.forwardTraining(src, dst, scale, rstd);
            }
            case BACKWARD -> {
                float[] diffDst = t.array("diffDst");
                float[] rstd = t.array("rstd");
                float[] diffSrc = t.array("diffSrc");
                float[] diffScale = t.array("diffScale");
                yield () -> k.backward(src, diffDst, scale, rstd, diffSrc, diffScale);
            }
            default -> throw unsupported(k, direction);
        };
    }

    private static Runnable softmax(SoftmaxKernel k, Direction direction, Tensors t) {
        return switch (direction) {
            case FORWARD -> {
                MemorySegment src = t.segment("src");
                MemorySegment dst = t.segment("dst");
                yield () -> k.forward(src, dst);
            }
            case BACKWARD -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                yield () -> k.backward(dst, diffDst, diffSrc);
            }
            default -> throw unsupported(k, direction);
        };
    }

    private static Runnable softmaxArrays(SoftmaxKernel k, Direction direction, Tensors t) {
        return switch (direction) {
            case FORWARD -> {
                float[] src = t.array("src");
                float[] dst = t.array("dst");
                yield () -> k.forward(src, dst);
            }
            case BACKWARD -> {
                float[] dst = t.array("dst");
                float[] diffDst = t.array("diffDst");
                float[] diffSrc = t.array("diffSrc");
                yield () -> k.backward(dst, diffDst, diffSrc);
            }
            default -> throw unsupported(k, direction);
        };
    }

    private static Runnable activation(ActivationKernel k, Direction direction, Tensors t) {
        return switch (direction) {
            case FORWARD -> {
                MemorySegment src = t.segment("src");
                MemorySegment dst = t.segment("dst");
                yield () -> k.forward(src, dst);
            }
            case BACKWARD -> {
                MemorySegment src = t.segment("src");
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                yield () -> k.backward(src, diffDst, diffSrc);
            }
            case BACKWARD_FROM_DST -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                yield () -> k.backwardFromDst(dst, diffDst, diffSrc);
            }
            default -> throw unsupported(k, direction);
        };
    }

    private static Runnable activationArrays(ActivationKernel k, Direction direction, Tensors t) {
        return switch (direction) {
            case FORWARD -> {
                float[] src = t.array("src");
                float[] dst = t.array("dst");
                yield () -> k.forward(src, dst);
            }
            case BACKWARD -> {
                float[] src = t.array("src");
                float[] diffDst = t.array("diffDst");
                float[] diffSrc = t.array("diffSrc");
                yield () -> k.backward(src, diffDst, diffSrc);
            }
            case BACKWARD_FROM_DST -> {
                float[] dst = t.array("dst");
                float[] diffDst = t.array("diffDst");
                float[] diffSrc = t.array("diffSrc");
                yield () -> k.backwardFromDst(dst, diffDst, diffSrc);
            }
            default -> throw unsupported(k, direction);
        };
    }

    static IllegalArgumentException unsupported(Kernel k, Direction direction) {
        return new IllegalArgumentException("direction: " + k.desc().kernelName() + " has no " + direction);
    }

    /** Batch norm: heap tensors go through the {@code float[]} overloads, native ones through the segment methods. */
    private static Runnable batchNorm(BatchNormKernel k, Direction direction, Tensors t, boolean heapArrays) {
        if (heapArrays) {
            float[] src = t.array("src");
            float[] scale = t.array("scale");
            float[] shift = t.array("shift");
            float[] mean = t.array("mean");
            float[] variance = t.array("variance");
            return switch (direction) {
                case FORWARD -> {
                    float[] dst = t.array("dst");
                    yield () -> k.forward(src, dst, scale, shift, mean, variance);
                }
                case FORWARD_TRAINING -> {
                    float[] dst = t.array("dst");
                    float[] runningMean = t.array("runningMean");
                    float[] runningVar = t.array("runningVar");
                    yield () -> k.forwardTraining(src, dst, scale, shift, mean, variance, runningMean, runningVar);
                }
                case BACKWARD -> {
                    float[] diffDst = t.array("diffDst");
                    float[] diffSrc = t.array("diffSrc");
                    float[] diffScale = t.array("diffScale");
                    float[] diffShift = t.array("diffShift");
                    yield () -> k.backward(src, diffDst, scale, mean, variance, null, diffSrc, diffScale, diffShift);
                }
                default -> throw unsupported(k, direction);
            };
        }
        MemorySegment src = t.segment("src");
        MemorySegment scale = t.segment("scale");
        MemorySegment shift = t.segment("shift");
        MemorySegment mean = t.segment("mean");
        MemorySegment variance = t.segment("variance");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment dst = t.segment("dst");
                yield () -> k.forward(src, dst, scale, shift, mean, variance);
            }
            case FORWARD_TRAINING -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment runningMean = t.segment("runningMean");
                MemorySegment runningVar = t.segment("runningVar");
                yield () -> k.forwardTraining(src, dst, scale, shift, mean, variance, runningMean, runningVar);
            }
            case BACKWARD -> {
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                MemorySegment diffScale = t.segment("diffScale");
                MemorySegment diffShift = t.segment("diffShift");
                yield () -> k.backward(src, diffDst, scale, mean, variance, null, diffSrc, diffScale, diffShift);
            }
            default -> throw unsupported(k, direction);
        };
    }

    /** LRN: heap tensors go through the {@code float[]} overloads, native ones through the segment methods. */
    private static Runnable lrn(LrnKernel k, Direction direction, Tensors t, boolean heapArrays) {
        return switch (direction) {
            case FORWARD -> {
                if (heapArrays) {
                    float[] src = t.array("src");
                    float[] dst = t.array("dst");
                    yield () -> k.forward(src, dst);
                }
                MemorySegment src = t.segment("src");
                MemorySegment dst = t.segment("dst");
                yield () -> k.forward(src, dst);
            }
            case BACKWARD -> {
                if (heapArrays) {
                    float[] src = t.array("src");
                    float[] diffDst = t.array("diffDst");
                    float[] diffSrc = t.array("diffSrc");
                    yield () -> k.backward(src, diffDst, diffSrc);
                }
                MemorySegment src = t.segment("src");
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                yield () -> k.backward(src, diffDst, diffSrc);
            }
            default -> throw unsupported(k, direction);
        };
    }

    /** l2_normalize: heap tensors go through the {@code float[]} overloads, native ones through the segment methods. */
    private static Runnable l2Normalize(L2NormalizeKernel k, Direction direction, Tensors t, boolean heapArrays) {
        if (heapArrays) {
            float[] src = t.array("src");
            return switch (direction) {
                case FORWARD -> {
                    float[] dst = t.array("dst");
                    yield () -> k.forward(src, dst);
                }
                case BACKWARD -> {
                    float[] diffDst = t.array("diffDst");
                    float[] diffSrc = t.array("diffSrc");
                    yield () -> k.backward(src, diffDst, diffSrc);
                }
                default -> throw unsupported(k, direction);
            };
        }
        MemorySegment src = t.segment("src");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment dst = t.segment("dst");
                yield () -> k.forward(src, dst);
            }
            case BACKWARD -> {
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                yield () -> k.backward(src, diffDst, diffSrc);
            }
            default -> throw unsupported(k, direction);
        };
    }

    /** divisive_norm: as {@link #l2Normalize}, backward also writing diffGain. */
    private static Runnable divisiveNorm(DivisiveNormKernel k, Direction direction, Tensors t, boolean heapArrays) {
        if (heapArrays) {
            float[] src = t.array("src");
            return switch (direction) {
                case FORWARD -> {
                    float[] dst = t.array("dst");
                    yield () -> k.forward(src, dst);
                }
                case BACKWARD -> {
                    float[] diffDst = t.array("diffDst");
                    float[] diffSrc = t.array("diffSrc");
                    float[] diffGain = t.array("diffGain");
                    yield () -> k.backward(src, diffDst, diffSrc, diffGain);
                }
                default -> throw unsupported(k, direction);
            };
        }
        MemorySegment src = t.segment("src");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment dst = t.segment("dst");
                yield () -> k.forward(src, dst);
            }
            case BACKWARD -> {
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                MemorySegment diffGain = t.segment("diffGain");
                yield () -> k.backward(src, diffDst, diffSrc, diffGain);
            }
            default -> throw unsupported(k, direction);
        };
    }

    /** Group norm: heap tensors go through the {@code float[]} overloads, native ones through the segment methods. */
    private static Runnable groupNorm(GroupNormKernel k, Direction direction, Tensors t, boolean heapArrays) {
        if (heapArrays) {
            float[] src = t.array("src");
            float[] scale = t.array("scale");
            float[] mean = t.array("mean");
            float[] variance = t.array("variance");
            return switch (direction) {
                case FORWARD -> {
                    float[] dst = t.array("dst");
                    float[] shift = t.array("shift");
                    yield () -> k.forward(src, dst, scale, shift);
                }
                case FORWARD_TRAINING -> {
                    float[] dst = t.array("dst");
                    float[] shift = t.array("shift");
                    yield () -> k.forwardTraining(src, dst, scale, shift, mean, variance);
                }
                case BACKWARD -> {
                    float[] diffDst = t.array("diffDst");
                    float[] diffSrc = t.array("diffSrc");
                    float[] diffScale = t.array("diffScale");
                    float[] diffShift = t.array("diffShift");
                    yield () -> k.backward(src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
                }
                default -> throw unsupported(k, direction);
            };
        }
        MemorySegment src = t.segment("src");
        MemorySegment scale = t.segment("scale");
        MemorySegment mean = t.segment("mean");
        MemorySegment variance = t.segment("variance");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment shift = t.segment("shift");
                yield () -> k.forward(src, dst, scale, shift);
            }
            case FORWARD_TRAINING -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment shift = t.segment("shift");
                yield () -> k.forwardTraining(src, dst, scale, shift, mean, variance);
            }
            case BACKWARD -> {
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                MemorySegment diffScale = t.segment("diffScale");
                MemorySegment diffShift = t.segment("diffShift");
                yield () -> k.backward(src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
            }
            default -> throw unsupported(k, direction);
        };
    }

    /** Instance norm: as group norm, with the running statistics where the descriptor tracks them. */
    private static Runnable instanceNorm(InstanceNormKernel k, Direction direction, Tensors t, boolean heapArrays) {
        if (heapArrays) {
            float[] src = t.array("src");
            float[] scale = t.array("scale");
            float[] mean = t.array("mean");
            float[] variance = t.array("variance");
            float[] runningMean = t.array("runningMean");
            float[] runningVar = t.array("runningVar");
            return switch (direction) {
                case FORWARD -> {
                    float[] dst = t.array("dst");
                    float[] shift = t.array("shift");
                    yield () -> k.forward(src, dst, scale, shift, runningMean, runningVar);
                }
                case FORWARD_TRAINING -> {
                    float[] dst = t.array("dst");
                    float[] shift = t.array("shift");
                    yield () -> k.forwardTraining(src, dst, scale, shift, mean, variance, runningMean, runningVar);
                }
                case BACKWARD -> {
                    float[] diffDst = t.array("diffDst");
                    float[] diffSrc = t.array("diffSrc");
                    float[] diffScale = t.array("diffScale");
                    float[] diffShift = t.array("diffShift");
                    yield () -> k.backward(src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
                }
                default -> throw unsupported(k, direction);
            };
        }
        MemorySegment src = t.segment("src");
        MemorySegment scale = t.segment("scale");
        MemorySegment mean = t.segment("mean");
        MemorySegment variance = t.segment("variance");
        MemorySegment runningMean = t.segment("runningMean");
        MemorySegment runningVar = t.segment("runningVar");
        return switch (direction) {
            case FORWARD -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment shift = t.segment("shift");
                yield () -> k.forward(src, dst, scale, shift, runningMean, runningVar);
            }
            case FORWARD_TRAINING -> {
                MemorySegment dst = t.segment("dst");
                MemorySegment shift = t.segment("shift");
                yield () -> k.forwardTraining(src, dst, scale, shift, mean, variance, runningMean, runningVar);
            }
            case BACKWARD -> {
                MemorySegment diffDst = t.segment("diffDst");
                MemorySegment diffSrc = t.segment("diffSrc");
                MemorySegment diffScale = t.segment("diffScale");
                MemorySegment diffShift = t.segment("diffShift");
                yield () -> k.backward(src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
            }
            default -> throw unsupported(k, direction);
        };
    }
}
