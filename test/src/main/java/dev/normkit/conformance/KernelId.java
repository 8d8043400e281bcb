package dev.normkit.conformance;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.ChannelLayout;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.KernelDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.LrnDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kernels the conformance checks and benchmarks know, by the name the command line and reports use, with the
 * descriptor each runs for a shape (library defaults) and the directions it has. Check and bench share this list so
 * they always talk about the same kernels.
 *
 * <p>The normalizations are listed here; the activations are not: there is one kernel per {@link Activation}, named
 * and parameterised by the API's catalogue, so adding an activation there adds it to check, bench and compare.
 */
public final class KernelId {

    /** What kind of kernel an id is: the switch key of code that treats kernels by kind (references, corpus, ...). */
    public enum Family { LAYER_NORM, RMS_NORM, SOFTMAX, LOG_SOFTMAX, ACTIVATION, BATCH_NORM, GROUP_NORM,
        INSTANCE_NORM, WEIGHT_NORM, SPECTRAL_NORM, LRN, L2_NORMALIZE, DIVISIVE_NORM }

    public static final KernelId LAYER_NORM = new KernelId("layer_norm", Family.LAYER_NORM, null,
            Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD);
    public static final KernelId RMS_NORM = new KernelId("rms_norm", Family.RMS_NORM, null,
            Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD);
    public static final KernelId SOFTMAX = new KernelId("softmax", Family.SOFTMAX, null,
            Direction.FORWARD, Direction.BACKWARD);
    public static final KernelId LOG_SOFTMAX = new KernelId("log_softmax", Family.LOG_SOFTMAX, null,
            Direction.FORWARD, Direction.BACKWARD);
    /** Batch norm: forward is inference from given statistics; 2-D shapes are N x C, 3- to 5-D channels first. */
    public static final KernelId BATCH_NORM = new KernelId("batch_norm", Family.BATCH_NORM, null,
            Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD);
    /** Group norm with {@link #DEFAULT_GROUPS} groups, or fewer where they do not divide C; shapes as batch norm. */
    public static final KernelId GROUP_NORM = new KernelId("group_norm", Family.GROUP_NORM, null,
            Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD);
    /**
     * Instance norm with PyTorch's InstanceNorm2d defaults (affine off, no running statistics), ranks 3 to 5 channels
     * first; the corpus adds affine, NHWC and running-statistics variants.
     */
    public static final KernelId INSTANCE_NORM = new KernelId("instance_norm", Family.INSTANCE_NORM, null,
            Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD);
    /** Weight norm over every dim but dim 0 (one norm per output row); shapes are the weight's (v's). */
    public static final KernelId WEIGHT_NORM = new KernelId("weight_norm", Family.WEIGHT_NORM, null,
            Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD);
    /** Spectral norm with one power iteration (training) from given u and v; forward is inference. */
    public static final KernelId SPECTRAL_NORM = new KernelId("spectral_norm", Family.SPECTRAL_NORM, null,
            Direction.FORWARD, Direction.FORWARD_TRAINING, Direction.BACKWARD);

    /** LRN with PyTorch's defaults across channels; 2-D shapes are N x C, 3- to 5-D channels first. */
    public static final KernelId LRN = new KernelId("lrn", Family.LRN, null, Direction.FORWARD, Direction.BACKWARD);
    /** PyTorch's F.normalize (p = 2, eps = 1e-12) over the last axis; forward saves nothing, so no training forward. */
    public static final KernelId L2_NORMALIZE = new KernelId("l2_normalize", Family.L2_NORMALIZE, null,
            Direction.FORWARD, Direction.BACKWARD);
    /** Divisive p-norm normalization (p = 2, sigma = 1, gain = 1) over the last axis. */
    public static final KernelId DIVISIVE_NORM = new KernelId("divisive_norm", Family.DIVISIVE_NORM, null,
            Direction.FORWARD, Direction.BACKWARD);

    private static final List<KernelId> ALL;
    static {
        List<KernelId> all = new ArrayList<>(List.of(LAYER_NORM, RMS_NORM, SOFTMAX, LOG_SOFTMAX));
        for (Activation a : Activation.values()) all.add(activation(a));
        all.addAll(List.of(BATCH_NORM, GROUP_NORM, INSTANCE_NORM, LRN, WEIGHT_NORM, SPECTRAL_NORM));
        all.addAll(List.of(L2_NORMALIZE, DIVISIVE_NORM));
        ALL = Collections.unmodifiableList(all);
    }

    public static final KernelId RELU = of(Activation.RELU);
    public static final KernelId LEAKY_RELU = of(Activation.LEAKY_RELU);
    public static final KernelId GELU_ERF = of(Activation.GELU_ERF);
    public static final KernelId GELU_TANH = of(Activation.GELU_TANH);
    public static final KernelId SILU = of(Activation.SILU);

    /** The group count of Wu and He's paper and Stable Diffusion's blocks. */
    public static final long DEFAULT_GROUPS = 32;

    private final String label;
    private final Family family;
    private final Activation activation;
    private final List<Direction> directions;

    private KernelId(String label, Family family, Activation activation, Direction... directions) {
        this.label = label;
        this.family = family;
        this.activation = activation;
        this.directions = List.of(directions);
    }

    /** An activation's kernel: forward, backward where it has one, backward from dst where its defaults allow it. */
    private static KernelId activation(Activation a) {
        List<Direction> d = new ArrayList<>(List.of(Direction.FORWARD));
        if (a.hasBackward()) d.add(Direction.BACKWARD);
        if (a.hasBackwardFromDst(a.defaultAlpha(), a.defaultBeta())) d.add(Direction.BACKWARD_FROM_DST);
        return new KernelId(a.kernelName(), Family.ACTIVATION, a, d.toArray(Direction[]::new));
    }

    /** Every kernel, normalizations first, in a fixed order. */
    public static KernelId[] values() {
        return ALL.toArray(KernelId[]::new);
    }

    /** The kernel of an activation. */
    public static KernelId of(Activation a) {
        return byLabel(a.kernelName());
    }

    public String label() {
        return label;
    }

    public Family family() {
        return family;
    }

    /** The activation of an {@link Family#ACTIVATION} kernel; empty for the others. */
    public Optional<Activation> activation() {
        return Optional.ofNullable(activation);
    }

    public List<Direction> directions() {
        return directions;
    }

    /** The descriptor this kernel runs on {@code shape}, with the library's (PyTorch's) defaults. */
    public KernelDesc<?> desc(Shape shape) {
        return switch (family) {
            case LAYER_NORM -> LayerNormDesc.of(shape);
            case RMS_NORM -> RmsNormDesc.of(shape);
            case SOFTMAX -> SoftmaxDesc.of(shape);
            case LOG_SOFTMAX -> SoftmaxDesc.logOf(shape);
            case ACTIVATION -> ActivationDesc.of(activation, shape);
            case BATCH_NORM -> BatchNormDesc.of(shape);
            case GROUP_NORM -> GroupNormDesc.of(shape, defaultGroups(shape));
            case INSTANCE_NORM -> InstanceNormDesc.of(shape);
            case WEIGHT_NORM -> WeightNormDesc.of(shape);
            case SPECTRAL_NORM -> SpectralNormDesc.of(shape);
            case LRN -> LrnDesc.of(shape);
            case L2_NORMALIZE -> L2NormalizeDesc.of(shape);
            case DIVISIVE_NORM -> DivisiveNormDesc.of(shape);
        };
    }

    /** Whether the place of this kernel's channel axis is a layout choice (batch, group, instance norm and LRN). */
    public boolean hasChannelLayout() {
        return switch (family) {
            case BATCH_NORM, GROUP_NORM, INSTANCE_NORM, LRN -> true;
            default -> false;
        };
    }

    /**
     * The descriptor this kernel runs on a tensor of logical shape {@code shape} stored in {@code layout}.
     * {@link ChannelLayout#NCHW} is {@link #desc(Shape)}, the shape as given, for every kernel. {@link ChannelLayout#NHWC}
     * takes {@code shape} as N x C x spatial, as PyTorch and oneDNN give a channels-last tensor's dims, and stores it
     * N x spatial x C, so that both layouts of one problem carry the same shape on the command line and in reports.
     *
     * @throws IllegalArgumentException starting with "layout": NHWC for a kernel without a channel axis, or for a shape
     *     that is not N x C x spatial (rank 3 to 5), or NC
     */
    public KernelDesc<?> desc(Shape shape, ChannelLayout layout) {
        if (layout == null) throw new IllegalArgumentException("layout: must not be null");
        if (layout == ChannelLayout.NCHW) return desc(shape);
        if (layout != ChannelLayout.NHWC) {
            throw new IllegalArgumentException("layout: " + layout + " is not a choice here; NC is a rank-2 shape in"
                    + " NCHW");
        }
        if (!hasChannelLayout()) throw new IllegalArgumentException("layout: " + label + " has no channel axis");
        if (!ChannelLayout.NHWC.accepts(shape.rank())) {
            throw new IllegalArgumentException("layout: NHWC needs a shape N x C x spatial (rank 3 to 5), got " + shape);
        }
        long[] logical = shape.dims();
        long[] stored = new long[logical.length];
        stored[0] = logical[0];
        System.arraycopy(logical, 2, stored, 1, logical.length - 2);
        stored[logical.length - 1] = logical[1];
        Shape s = Shape.of(stored);
        return switch (family) {
            case BATCH_NORM -> BatchNormDesc.of(s, ChannelLayout.NHWC);
            case GROUP_NORM -> GroupNormDesc.of(s, ChannelLayout.NHWC, defaultGroups(shape));
            case INSTANCE_NORM -> InstanceNormDesc.of(s, ChannelLayout.NHWC);
            case LRN -> LrnDesc.of(s, ChannelLayout.NHWC);
            default -> throw new IllegalStateException(label + ": no NHWC descriptor");
        };
    }

    /** The channel layout a descriptor stores its tensor in, or null for a kernel without a channel axis. */
    public static ChannelLayout layoutOf(KernelDesc<?> desc) {
        return switch (desc) {
            case BatchNormDesc d -> d.layout();
            case GroupNormDesc d -> d.layout();
            case InstanceNormDesc d -> d.layout();
            case LrnDesc d -> d.layout();
            default -> null;
        };
    }

    /**
     * The activations the onednn path refuses by design: oneDNN 3.13's eltwise has no such algorithm, or has one whose
     * small results keep no relative accuracy (softplus, log_sigmoid, mish, log: OneDnnTailAccuracyTest).
     */
    private static final Set<Activation> ACTIVATIONS_REFUSED_ON_ONEDNN = EnumSet.of(Activation.LEAKY_HARDTANH,
            Activation.LEAKY_HARDTANH_INVERSE, Activation.HARDSHRINK, Activation.SOFTSHRINK, Activation.SELU,
            Activation.CELU, Activation.TANHSHRINK, Activation.SOFTSIGN, Activation.SOFTPLUS, Activation.LOG_SIGMOID,
            Activation.MISH, Activation.LOG);

    /**
     * Whether the onednn path refuses this kernel by design (and says why) rather than by a gap to fill: oneDNN 3.13
     * has no primitive for it (p-norms, weight and spectral norm, some activations), or one normkit will not pass off
     * as the kernel (see {@link #ACTIVATIONS_REFUSED_ON_ONEDNN}).
     */
    public boolean oneDnnHasNoPrimitive() {
        return switch (family) {
            case L2_NORMALIZE, DIVISIVE_NORM, WEIGHT_NORM, SPECTRAL_NORM -> true;
            case ACTIVATION -> ACTIVATIONS_REFUSED_ON_ONEDNN.contains(activation);
            default -> false;
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
        for (KernelId k : ALL) {
            if (k.label.equals(label)) return k;
        }
        throw new IllegalArgumentException("kernel: unknown '" + label + "'; known: "
                + ALL.stream().map(KernelId::label).toList());
    }

    @Override
    public String toString() {
        return label;
    }
}
