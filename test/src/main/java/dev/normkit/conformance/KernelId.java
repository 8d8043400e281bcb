package dev.normkit.conformance;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.KernelDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import java.util.Arrays;
import java.util.List;

/**
 * The kernels the conformance checks and benchmarks know, by the name the command line and reports use, with the
 * descriptor each runs for a shape (library defaults) and the directions it has. Check and bench share this list so
 * they always talk about the same kernels.
 */
public enum KernelId {
    LAYER_NORM("layer_norm", Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD),
    RMS_NORM("rms_norm", Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD),
    SOFTMAX("softmax", Direction.FORWARD, Direction.BACKWARD),
    LOG_SOFTMAX("log_softmax", Direction.FORWARD, Direction.BACKWARD),
    RELU("relu", Direction.FORWARD, Direction.BACKWARD, Direction.BACKWARD_FROM_DST),
    /** ReLU with PyTorch's leaky slope 0.01; backward from dst is exact only for a non-negative slope, so it has it. */
    LEAKY_RELU("leaky_relu", Direction.FORWARD, Direction.BACKWARD, Direction.BACKWARD_FROM_DST),
    GELU_ERF("gelu_erf", Direction.FORWARD, Direction.BACKWARD),
    GELU_TANH("gelu_tanh", Direction.FORWARD, Direction.BACKWARD),
    SILU("silu", Direction.FORWARD, Direction.BACKWARD),
    /** Batch norm: forward is inference from given statistics; 2-D shapes are N x C, 3- to 5-D channels first. */
    BATCH_NORM("batch_norm", Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD),
    /** Group norm with {@link #DEFAULT_GROUPS} groups, or fewer where they do not divide C; shapes as batch norm. */
    GROUP_NORM("group_norm", Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD);

    /** The group count of Wu and He's paper and Stable Diffusion's blocks. */
    public static final long DEFAULT_GROUPS = 32;

    /** PyTorch's default negative slope for {@code nn.LeakyReLU}. */
    public static final float LEAKY_SLOPE = 0.01f;

    private final String label;
    private final List<Direction> directions;

    KernelId(String label, Direction... directions) {
        this.label = label;
        this.directions = List.of(directions);
    }

    public String label() {
        return label;
    }

    public List<Direction> directions() {
        return directions;
    }

    /** The descriptor this kernel runs on {@code shape}, with the library's (PyTorch's) defaults. */
    public KernelDesc<?> desc(Shape shape) {
        return switch (this) {
            case LAYER_NORM -> LayerNormDesc.of(shape);
            case RMS_NORM -> RmsNormDesc.of(shape);
            case SOFTMAX -> SoftmaxDesc.of(shape);
            case LOG_SOFTMAX -> SoftmaxDesc.logOf(shape);
            case RELU -> ActivationDesc.of(Activation.RELU, shape);
            case LEAKY_RELU -> ActivationDesc.of(Activation.RELU, shape).withAlpha(LEAKY_SLOPE);
            case GELU_ERF -> ActivationDesc.of(Activation.GELU_ERF, shape);
            case GELU_TANH -> ActivationDesc.of(Activation.GELU_TANH, shape);
            case SILU -> ActivationDesc.of(Activation.SILU, shape);
            case BATCH_NORM -> BatchNormDesc.of(shape);
            case GROUP_NORM -> GroupNormDesc.of(shape, defaultGroups(shape));
        };
    }

    /** The largest divisor of C that also divides {@link #DEFAULT_GROUPS} (C is axis 1; rank 1 has none). */
    static long defaultGroups(Shape shape) {
        if (shape.rank() < 2) return 1; // GroupNormDesc.of rejects the shape with the reason
        long a = shape.dim(1);
        long b = DEFAULT_GROUPS;
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    public static KernelId byLabel(String label) {
        for (KernelId k : values()) {
            if (k.label.equals(label)) return k;
        }
        throw new IllegalArgumentException("kernel: unknown '" + label + "'; known: "
                + Arrays.stream(values()).map(KernelId::label).toList());
    }

    @Override
    public String toString() {
        return label;
    }
}
