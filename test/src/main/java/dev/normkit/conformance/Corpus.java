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
import java.util.List;

/**
 * The problems the conformance run checks: shapes, descriptor variants and input families per kernel.
 *
 * <ul>
 *   <li>Innermost lengths 1, 7, 8, 9, 15, 17, 1000, 1023, 1025 on {@value #SMALL_ROWS} rows: below, at and around
 *       vector widths (4, 8, 16 lanes) and unrolled blocks, so every tail path runs.</li>
 *   <li>Shapes real models have: BERT-base/large hidden sizes (256x768, 128x1024), a DRAM-sized batch (8192x1024;
 *       for activations only relu and gelu_erf, see {@link #DRAM_ACTIVATIONS}),
 *       a 3-D activation (64x30x512) normalized over its last axis and over its last two; softmax over ImageNet classes
 *       (96x1000, 1024x1001, odd) and along non-innermost axes.</li>
 *   <li>Default descriptors on large shapes ({@value #LARGE_ELEMENTS}+ elements) run with the kernel's first family
 *       only: the families' numerics are covered on the smaller real shapes, and the full run must stay within a couple
 *       of minutes. The descriptor variants (two normalized axes: rows of 15360; softmax along an inner axis) keep
 *       every family. One shape per kernel also runs from heap arrays (first family).</li>
 * </ul>
 */
public final class Corpus {
    private Corpus() {}

    /** Innermost lengths around the vector widths: tails of every size. */
    static final long[] LENGTHS = {1, 7, 8, 9, 15, 17, 1000, 1023, 1025};
    /** Rows for the small lengths: four, so {@link InputFamily#NAN_INF} puts each of its row kinds in. */
    static final int SMALL_ROWS = 4;
    static final long LARGE_ELEMENTS = 512L << 10;

    private static final Shape BERT_BASE = Shape.of(256, 768);
    private static final Shape BERT_LARGE = Shape.of(128, 1024);
    private static final Shape BATCH = Shape.of(8192, 1024);
    private static final Shape SEQUENCE = Shape.of(64, 30, 512);
    private static final Shape CLASSES = Shape.of(96, 1000);
    private static final Shape CLASSES_ODD = Shape.of(1024, 1001);
    private static final Shape TALL = Shape.of(1000, 17);
    /** Batch norm, NCHW: odd small shapes (runs of 63 and of 1), and a large N*H*W (25088 values per channel). */
    private static final Shape CONV_ODD = Shape.of(3, 5, 7, 9);
    private static final Shape CONV_POINT = Shape.of(6, 19, 1, 1);
    private static final Shape CONV_LARGE = Shape.of(8, 16, 56, 56);
    private static final Shape CONV_RELU = Shape.of(4, 5, 7, 9);
    /** Group norm, NCHW: 32 groups of 1 and of 2 channels, and a Stable Diffusion block (320 channels, 32 groups). */
    private static final Shape GROUPS_OF_ONE = Shape.of(2, 32, 16, 16);
    private static final Shape GROUPS_OF_TWO = Shape.of(2, 64, 28, 28);
    private static final Shape DIFFUSION = Shape.of(1, 320, 32, 32);
    /** Weights: a conv layer's (64 output channels of 3x7x7, ResNet's stem), a linear layer's (BERT's FFN), odd. */
    private static final Shape CONV_WEIGHT = Shape.of(64, 3, 7, 7);
    private static final Shape LINEAR_WEIGHT = Shape.of(768, 3072);
    private static final Shape ODD_WEIGHT = Shape.of(17, 5);

    /**
     * The activations also checked on the DRAM-sized batch: one memory-bound, one transcendental. Every activation
     * runs the same generated loops (docs/vector-jit.md), whose chunking and tails the BERT shapes already cross many
     * times over, so the batch adds nothing per function but time: for 40-odd activations, minutes of CI.
     */
    private static final List<KernelId> DRAM_ACTIVATIONS = List.of(KernelId.RELU, KernelId.GELU_ERF);

    /**
     * Instance norm, NCHW (N x C x spatial, no N x C form): spatial tails on 2 x 3 instances (2 is the fewest
     * positions it takes), a small odd image, a 3-D volume, 64 channels, a Stable Diffusion block and a large H*W
     * (3136 values per instance).
     */
    private static final long[] INSTANCE_LENGTHS = {2, 7, 8, 9, 15, 17, 1000, 1023, 1025};
    private static final Shape INSTANCE_ODD = Shape.of(2, 3, 5, 7);
    private static final Shape INSTANCE_VOLUME = Shape.of(2, 4, 3, 5, 6);
    private static final Shape INSTANCE_64 = Shape.of(4, 64, 16, 16);
    private static final Shape INSTANCE_LARGE = Shape.of(2, 8, 56, 56);

    /** LRN, channels first: AlexNet's first LRN (96 channels of 55 x 55, batch 8) and a smaller one (13 x 13). */
    private static final Shape ALEXNET_LRN = Shape.of(8, 96, 55, 55);
    private static final Shape ALEXNET_SMALL = Shape.of(2, 96, 13, 13);

    /** The shapes a kernel is checked on by default (each with the kernel's default descriptor). */
    public static List<Shape> defaultShapes(KernelId k) {
        List<Shape> shapes = new ArrayList<>();
        if (k.family() == KernelId.Family.INSTANCE_NORM) {
            for (long len : INSTANCE_LENGTHS) shapes.add(Shape.of(2, 3, len));
            shapes.addAll(List.of(INSTANCE_ODD, INSTANCE_VOLUME, INSTANCE_64, DIFFUSION, INSTANCE_LARGE));
            return shapes;
        }
        for (long len : LENGTHS) shapes.add(Shape.of(SMALL_ROWS, len));
        switch (k.family()) {
            case LAYER_NORM, RMS_NORM -> shapes.addAll(List.of(BERT_BASE, BERT_LARGE, BATCH, SEQUENCE));
            case SOFTMAX, LOG_SOFTMAX -> shapes.addAll(List.of(CLASSES, CLASSES_ODD, SEQUENCE, TALL));
            case BATCH_NORM -> shapes.addAll(List.of(Shape.of(1000, 17), CONV_ODD, CONV_POINT, CONV_LARGE));
            case GROUP_NORM -> shapes.addAll(List.of(CONV_ODD, GROUPS_OF_ONE, GROUPS_OF_TWO, DIFFUSION));
            case ACTIVATION -> {
                shapes.addAll(List.of(BERT_BASE, BERT_LARGE));
                if (DRAM_ACTIVATIONS.contains(k)) shapes.add(BATCH);
            }
            case WEIGHT_NORM, SPECTRAL_NORM -> shapes.addAll(List.of(CONV_WEIGHT, LINEAR_WEIGHT, ODD_WEIGHT));
            case LRN -> shapes.addAll(List.of(CONV_ODD, Shape.of(2, 7, 11), Shape.of(2, 6, 3, 4, 5), ALEXNET_SMALL,
                    ALEXNET_LRN));
            case L2_NORMALIZE, DIVISIVE_NORM -> shapes.addAll(List.of(BERT_BASE, BERT_LARGE, BATCH));
            default -> throw new IllegalStateException(k + ": no default shapes");
        }
        return shapes;
    }

    /** The input families a kernel is checked with; the first is the one large shapes and heap runs use. */
    public static List<InputFamily> families(KernelId k) {
        return switch (k.family()) {
            case LAYER_NORM, RMS_NORM, BATCH_NORM, GROUP_NORM, INSTANCE_NORM -> List.of(InputFamily.NORMAL, InputFamily.UNIFORM, InputFamily.CONSTANT_ROWS,
                    InputFamily.OFFSET_1E4, InputFamily.NAN_INF);
            case LRN -> List.of(InputFamily.NORMAL, InputFamily.UNIFORM, InputFamily.CONSTANT_ROWS,
                    InputFamily.OFFSET_1E4, InputFamily.NAN_INF);
            case SOFTMAX, LOG_SOFTMAX -> List.of(InputFamily.NORMAL, InputFamily.UNIFORM, InputFamily.CONSTANT_ROWS,
                    InputFamily.NEAR_80, InputFamily.NEAR_1000, InputFamily.NAN_INF);
            case WEIGHT_NORM -> List.of(InputFamily.NORMAL, InputFamily.UNIFORM, InputFamily.CONSTANT_ROWS,
                    InputFamily.OFFSET_1E4, InputFamily.NAN_INF);
            // No NaN/inf family: one NaN or infinity in W makes u, sigma and dst all NaN (the power iteration mixes
            // all of W into them), so nothing would be left to compare; SpectralNormKernelTest pins that instead.
            case SPECTRAL_NORM -> List.of(InputFamily.NORMAL, InputFamily.UNIFORM, InputFamily.CONSTANT_ROWS,
                    InputFamily.OFFSET_1E4);
            case ACTIVATION -> activationFamilies(k.activation().orElseThrow());
            // Offsets (a norm of large equal terms), huge and tiny values, rows of zeros and of extreme scale.
            case L2_NORMALIZE, DIVISIVE_NORM -> List.of(InputFamily.NORMAL, InputFamily.UNIFORM,
                    InputFamily.CONSTANT_ROWS, InputFamily.OFFSET_1E4, InputFamily.HUGE_TINY, InputFamily.ROW_SCALES,
                    InputFamily.NAN_INF);
        };
    }

    /** An activation's families: the defaults cover the real line; some activations add inputs they need. */
    private static List<InputFamily> activationFamilies(Activation a) {
        List<InputFamily> defaults = List.of(InputFamily.RANGE_10, InputFamily.HUGE_TINY, InputFamily.NAN_INF);
        return switch (a) {
            // ---- piecewise linear: the kinks exactly and one ulp around (the conventions there are the point)
            case RELU6, HARDTANH, LEAKY_HARDTANH, LEAKY_HARDTANH_INVERSE, HARDSIGMOID, HARDSWISH, HARDSHRINK,
                    SOFTSHRINK, ABS, LINEAR, CLIP, CLIP_V2, ROUND -> List.of(InputFamily.RANGE_10, InputFamily.HUGE_TINY,
                    InputFamily.NAN_INF, InputFamily.PIECEWISE_KINKS);
            // ---- exponential family: tails and switches beyond +-10; log on positive inputs (its negative half is NaN)
            case ELU, SELU, CELU, SOFTPLUS, SIGMOID, LOG_SIGMOID, TANH, TANHSHRINK, MISH, EXP ->
                    List.of(InputFamily.RANGE_10, InputFamily.RANGE_100, InputFamily.HUGE_TINY, InputFamily.NAN_INF);
            case LOG -> List.of(InputFamily.POSITIVE, InputFamily.RANGE_10, InputFamily.HUGE_TINY, InputFamily.NAN_INF);
            // ---- others: sqrt and pow (fractional b in the variants) on their domain, not only NaN below 0
            case SQRT, POW -> List.of(InputFamily.RANGE_10, InputFamily.POSITIVE_MODERATE, InputFamily.HUGE_TINY,
                    InputFamily.NAN_INF);
            default -> defaults;
        };
    }

    /** A descriptor to check, what distinguishes it from the default, and whether it runs from heap arrays. */
    private record Problem(KernelDesc<?> desc, String variant, boolean heap) {

        /** Heap runs and large default problems take the first family only (see the class comment). */
        boolean firstFamilyOnly() {
            return heap || variant.isEmpty() && desc.shape().elementCount() >= LARGE_ELEMENTS;
        }
    }

    /**
     * Every case for the kernel: each direction on each problem and family. {@code shapes} empty means the default
     * shapes plus the descriptor variants (normalized-axes flattening, optional scale/shift, softmax axes) and the heap
     * run; explicit shapes get the default descriptor only, and a shape the kernel cannot take (instance norm of one
     * spatial position, group norm of a 1-D shape) is left out for that kernel, as a shape list given for every kernel
     * at once must be.
     */
    public static List<ConformanceCase> cases(KernelId k, List<Shape> shapes) {
        List<Problem> problems = new ArrayList<>();
        boolean defaults = shapes.isEmpty();
        for (Shape s : defaults ? defaultShapes(k) : shapes) {
            KernelDesc<?> desc;
            try {
                desc = k.desc(s);
            } catch (IllegalArgumentException notForThisKernel) {
                if (defaults) throw notForThisKernel; // the corpus's own shapes must all be valid
                continue;
            }
            problems.add(new Problem(desc, "", false));
        }
        if (defaults) problems.addAll(variants(k));
        List<InputFamily> families = families(k);
        List<ConformanceCase> out = new ArrayList<>();
        for (Problem p : problems) {
            for (InputFamily f : p.firstFamilyOnly() ? families.subList(0, 1) : families) {
                for (Direction d : k.directions()) {
                    out.add(new ConformanceCase(k, d, p.desc, f, p.variant, p.heap));
                }
            }
        }
        return out;
    }

    private static List<Problem> variants(KernelId k) {
        Shape small = Shape.of(SMALL_ROWS, 1025);
        return switch (k.family()) {
            case LAYER_NORM -> List.of(
                    new Problem(LayerNormDesc.of(SEQUENCE).withNormalizedAxes(2), "axes=2", false),
                    new Problem(LayerNormDesc.of(BERT_BASE).withShift(false), "no_shift", false),
                    new Problem(LayerNormDesc.of(small).withScale(false).withShift(false), "no_scale_shift", false),
                    new Problem(k.desc(BERT_BASE), "", true));
            case RMS_NORM -> List.of(
                    new Problem(RmsNormDesc.of(SEQUENCE).withNormalizedAxes(2), "axes=2", false),
                    new Problem(RmsNormDesc.of(small).withScale(false), "no_scale", false),
                    new Problem(k.desc(BERT_BASE), "", true));
            case SOFTMAX, LOG_SOFTMAX -> List.of(
                    new Problem(((SoftmaxDesc) k.desc(SEQUENCE)).withAxis(1), "axis=1", false),
                    new Problem(((SoftmaxDesc) k.desc(TALL)).withAxis(0), "axis=0", false),
                    new Problem(k.desc(CLASSES), "", true));
            case BATCH_NORM -> List.of(
                    new Problem(nhwc(CONV_ODD), "nhwc", false),
                    new Problem(nhwc(CONV_LARGE), "nhwc", false),
                    new Problem(BatchNormDesc.of(CONV_ODD).withFusedRelu(true), "relu", false),
                    // 1260 elements: oneDNN's byte-per-element ReLU workspace is whole floats, so onednn runs it
                    new Problem(BatchNormDesc.of(CONV_RELU).withFusedRelu(true), "relu", false),
                    new Problem(nhwc(CONV_ODD).withFusedRelu(true), "nhwc relu", false),
                    new Problem(BatchNormDesc.of(CONV_ODD).withScale(false).withShift(false), "no_scale_shift",
                            false),
                    new Problem(BatchNormDesc.of(CONV_ODD).withShift(false), "no_shift", false),
                    new Problem(k.desc(CONV_ODD), "", true),
                    new Problem(nhwc(CONV_ODD), "nhwc", true));
            case GROUP_NORM -> List.of(
                    new Problem(groupsNhwc(GROUPS_OF_TWO, 32), "nhwc", false),
                    new Problem(groupsNhwc(CONV_ODD, 5), "nhwc", false),
                    new Problem(GroupNormDesc.of(GROUPS_OF_TWO, 4).withScale(false).withShift(false),
                            "groups=4 no_scale_shift", false),
                    new Problem(GroupNormDesc.of(Shape.of(3, 12, 5, 5), 3).withShift(false), "groups=3 no_shift",
                            false),
                    new Problem(k.desc(GROUPS_OF_ONE), "", true),
                    new Problem(groupsNhwc(GROUPS_OF_TWO, 32), "nhwc", true));
            case INSTANCE_NORM -> List.of(
                    new Problem(InstanceNormDesc.of(INSTANCE_ODD).withAffine(true), "affine", false),
                    new Problem(InstanceNormDesc.of(INSTANCE_64).withAffine(true), "affine", false),
                    new Problem(instanceNhwc(INSTANCE_ODD).withAffine(true), "nhwc affine", false),
                    new Problem(instanceNhwc(INSTANCE_64), "nhwc", false),
                    new Problem(instanceNhwc(DIFFUSION).withAffine(true), "nhwc affine", false),
                    new Problem(InstanceNormDesc.of(Shape.of(3, 12, 5, 5)).withScale(true), "no_shift", false),
                    new Problem(InstanceNormDesc.of(INSTANCE_ODD).withAffine(true).withRunningStats(true),
                            "affine running_stats", false),
                    new Problem(InstanceNormDesc.of(INSTANCE_64).withRunningStats(true).withMomentum(0.3f),
                            "running_stats momentum=0.3", false),
                    new Problem(instanceNhwc(INSTANCE_64).withAffine(true).withRunningStats(true),
                            "nhwc affine running_stats", false),
                    new Problem(k.desc(INSTANCE_ODD), "", true),
                    new Problem(instanceNhwc(INSTANCE_64).withAffine(true).withRunningStats(true),
                            "nhwc affine running_stats", true));
            case WEIGHT_NORM -> List.of(
                    new Problem(WeightNormDesc.of(CONV_WEIGHT).withDim(1), "dim=1", false),
                    new Problem(WeightNormDesc.of(ODD_WEIGHT).withDim(1), "dim=1", false),
                    new Problem(WeightNormDesc.of(CONV_WEIGHT).withDim(WeightNormDesc.WHOLE_TENSOR), "whole", false),
                    new Problem(k.desc(CONV_WEIGHT), "", true));
            case SPECTRAL_NORM -> List.of(
                    new Problem(SpectralNormDesc.of(CONV_WEIGHT).withPowerIterations(0), "iterations=0", false),
                    new Problem(SpectralNormDesc.of(ODD_WEIGHT).withPowerIterations(5), "iterations=5", false),
                    new Problem(SpectralNormDesc.of(Shape.of(1000, 17)).withPowerIterations(3), "iterations=3",
                            false),
                    new Problem(k.desc(CONV_WEIGHT), "", true));
            case ACTIVATION -> activationVariants(k, small);
            case LRN -> lrnVariants();
            case L2_NORMALIZE -> pNormVariants(k, List.of(
                    // eps near the norm of 1025 N(0, 1) values (~32): rows on both sides of the switch
                    new Problem(L2NormalizeDesc.of(small).withEps(32f), "eps=32", false),
                    new Problem(L2NormalizeDesc.of(SEQUENCE).withNormalizedAxes(2), "axes=2", false)));
            case DIVISIVE_NORM -> {
                List<Problem> out = new ArrayList<>(pNormVariants(k, List.of(
                        new Problem(DivisiveNormDesc.of(small).withSigma(0f).withGain(2.5f), "sigma=0 gain=2.5", false),
                        new Problem(DivisiveNormDesc.of(SEQUENCE).withNormalizedAxes(2).withSigma(0.5f),
                                "axes=2 sigma=0.5", false))));
                out.addAll(windowVariants());
                yield out;
            }
            default -> List.of(new Problem(k.desc(BERT_BASE), "", true));
        };
    }

    /** The heap run, plus parameters other than the defaults where they take another code path. */
    private static List<Problem> activationVariants(KernelId k, Shape small) {
        List<Problem> problems = new ArrayList<>();
        problems.add(new Problem(k.desc(BERT_BASE), "", true));
        if (k.activation().orElseThrow() == Activation.POW) {
            // the default b = 3 multiplies; these take lanewise POW (fractional, and an integer beyond |b| = 4),
            // b = 0 and 1 their own forms, and b = -2 the reciprocal
            for (float[] ab : new float[][] {{1f, 0.5f}, {-2f, 1.5f}, {0.5f, -0.5f}, {1f, 5f}, {3f, 0f}, {2f, 1f},
                    {1f, -2f}}) {
                problems.add(new Problem(ActivationDesc.of(Activation.POW, small).withAlpha(ab[0]).withBeta(ab[1]),
                        "a=" + ab[0] + " b=" + ab[1], false));
            }
        }
        return problems;
    }

    /**
     * LRN's variants. The default alpha (1e-4, over 5) leaves y within ~1e-4 of x, so most variants take alpha = 1,
     * where the window matters at every element. Even sizes are where the conventions differ; beta 0.75 is a special
     * case in oneDNN and on the vector path (square roots), so another beta is checked too, on both of the vector
     * path's ways (streamed rows channels first, per-sample box sums channels last).
     */
    private static List<Problem> lrnVariants() {
        LrnDesc odd = LrnDesc.of(CONV_ODD).withAlpha(1f);
        LrnDesc within = odd.withinChannel();
        return List.of(
                new Problem(odd, "alpha=1", false),
                new Problem(odd.withLocalSize(4), "pytorch size=4 alpha=1", false),
                new Problem(odd.withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(4), "onednn size=4 alpha=1",
                        false),
                new Problem(odd.withConvention(LrnDesc.Convention.ONEDNN), "onednn alpha=1", false),
                new Problem(odd.withBeta(0.5f).withK(2f), "alpha=1 beta=0.5 k=2", false),
                new Problem(odd.withLocalSize(1), "size=1 alpha=1", false),
                new Problem(LrnDesc.of(ALEXNET_SMALL).withK(2f), "k=2", false),
                new Problem(within.withLocalSize(3), "within size=3 alpha=1", false),
                new Problem(within, "within alpha=1", false),
                new Problem(within.withLocalSize(4), "within size=4 alpha=1", false),
                new Problem(LrnDesc.of(Shape.of(2, 3, 17)).withAlpha(1f).withinChannel(), "within 1d alpha=1", false),
                new Problem(LrnDesc.of(Shape.of(2, 3, 4, 5, 6)).withAlpha(1f).withinChannel().withLocalSize(3),
                        "within 3d size=3 alpha=1", false),
                new Problem(LrnDesc.of(ALEXNET_SMALL).withinChannel(), "within", false),
                new Problem(lrnNhwc(odd), "nhwc alpha=1", false),
                new Problem(lrnNhwc(odd).withBeta(0.5f).withK(2f), "nhwc alpha=1 beta=0.5 k=2", false),
                new Problem(lrnNhwc(odd).withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(4),
                        "nhwc onednn size=4 alpha=1", false),
                new Problem(lrnNhwc(within), "nhwc within alpha=1", false),
                new Problem(lrnNhwc(LrnDesc.of(Shape.of(2, 3, 4, 5, 6)).withAlpha(1f).withinChannel()
                        .withLocalSize(3)), "nhwc within 3d size=3 alpha=1", false),
                new Problem(LrnDesc.of(Shape.of(2, 13, 13, 96), ChannelLayout.NHWC), "nhwc", false),
                new Problem(odd, "alpha=1", true),
                new Problem(within, "within alpha=1", true),
                new Problem(lrnNhwc(odd), "nhwc alpha=1", true));
    }

    /**
     * divisive_norm across a channel window: the seeds' p, 2 and infinity on a small odd NCHW tensor (size 3) and on
     * its NHWC twin; windows of 1 and of every channel; N x C, 1-D and 3-D spatial; sigma 0 with a gain; AlexNet's LRN
     * shape (96 channels, size 5); heap runs. Channels (5, 96) and positions (63, 169) cross the vector widths.
     */
    private static List<Problem> windowVariants() {
        List<Problem> out = new ArrayList<>();
        DivisiveNormDesc odd = DivisiveNormDesc.acrossChannels(CONV_ODD, 3);
        for (float p : new float[] {0.3f, 1f, 2f, 3f, 3.2f, Float.POSITIVE_INFINITY}) {
            String name = "window size=3 p=" + (p == Float.POSITIVE_INFINITY ? "inf" : Float.toString(p));
            out.add(new Problem(odd.withP(p), name, false));
            out.add(new Problem(windowNhwc(odd.withP(p)), "nhwc " + name, false));
        }
        out.add(new Problem(odd.withLocalSize(1), "window size=1", false));
        out.add(new Problem(odd.withLocalSize(5).withP(3.2f), "window size=5=C p=3.2", false));
        out.add(new Problem(DivisiveNormDesc.acrossChannels(Shape.of(16, 17), 5).withP(Float.POSITIVE_INFINITY),
                "window nc size=5 p=inf", false));
        out.add(new Problem(DivisiveNormDesc.acrossChannels(Shape.of(16, 17), 7).withP(0.3f), "window nc size=7 p=0.3",
                false));
        out.add(new Problem(DivisiveNormDesc.acrossChannels(Shape.of(2, 7, 11), 7).withP(1f), "window 1d size=7 p=1",
                false));
        out.add(new Problem(DivisiveNormDesc.acrossChannels(Shape.of(2, 6, 3, 4, 5), 3).withP(3f).withSigma(0f)
                .withGain(2.5f), "window 3d size=3 p=3 sigma=0 gain=2.5", false));
        DivisiveNormDesc alexnet = DivisiveNormDesc.acrossChannels(ALEXNET_SMALL, 5);
        out.add(new Problem(alexnet, "window size=5", false));
        out.add(new Problem(alexnet.withP(3.2f), "window size=5 p=3.2", false));
        out.add(new Problem(windowNhwc(alexnet.withP(0.3f)), "nhwc window size=5 p=0.3", false));
        out.add(new Problem(odd, "window size=3", true));
        out.add(new Problem(windowNhwc(odd.withP(3.2f)), "nhwc window size=3 p=3.2", true));
        return out;
    }

    /** The same window norm on the NHWC tensor of the descriptor's NCHW shape. */
    private static DivisiveNormDesc windowNhwc(DivisiveNormDesc nchw) {
        Shape s = nchw.shape();
        long[] dims = new long[s.rank()];
        dims[0] = s.dim(0);
        for (int a = 2; a < s.rank(); a++) dims[a - 1] = s.dim(a);
        dims[s.rank() - 1] = s.dim(1);
        return new DivisiveNormDesc(Shape.of(dims), DivisiveNormDesc.Region.ACROSS_CHANNELS, 0, ChannelLayout.NHWC,
                nchw.localSize(), nchw.p(), nchw.sigma(), nchw.gain());
    }

    /** The same LRN on the NHWC tensor of the descriptor's NCHW shape (N, C, spatial stored channels last). */
    private static LrnDesc lrnNhwc(LrnDesc nchw) {
        Shape s = nchw.shape();
        long[] dims = new long[s.rank()];
        dims[0] = s.dim(0);
        for (int a = 2; a < s.rank(); a++) dims[a - 1] = s.dim(a);
        dims[s.rank() - 1] = s.dim(1);
        return new LrnDesc(Shape.of(dims), ChannelLayout.NHWC, nchw.algorithm(), nchw.convention(),
                nchw.localSize(), nchw.alpha(), nchw.beta(), nchw.k());
    }

    /** The seeds' p (0.3, 1, 3, 3.2) and infinity on a long row and a short odd one, the given extras, a heap run. */
    private static List<Problem> pNormVariants(KernelId k, List<Problem> extras) {
        List<Problem> out = new ArrayList<>();
        float[] ps = {0.3f, 1f, 3f, 3.2f, Float.POSITIVE_INFINITY};
        for (Shape s : List.of(Shape.of(SMALL_ROWS, 1025), Shape.of(16, 17))) {
            for (float p : ps) {
                String name = "p=" + (p == Float.POSITIVE_INFINITY ? "inf" : Float.toString(p));
                out.add(new Problem(withP(k.desc(s), p), name, false));
            }
        }
        out.addAll(extras);
        out.add(new Problem(k.desc(BERT_BASE), "", true));
        out.add(new Problem(withP(k.desc(BERT_BASE), 3.2f), "p=3.2", true));
        return out;
    }

    private static KernelDesc<?> withP(KernelDesc<?> d, float p) {
        return d instanceof L2NormalizeDesc l ? l.withP(p) : ((DivisiveNormDesc) d).withP(p);
    }

    /** Group norm on the NHWC tensor of an NCHW shape, with {@code groups} groups. */
    private static GroupNormDesc groupsNhwc(Shape nchw, long groups) {
        return GroupNormDesc.of(Shape.of(nchw.dim(0), nchw.dim(2), nchw.dim(3), nchw.dim(1)), ChannelLayout.NHWC,
                groups);
    }

    /** Instance norm (PyTorch's defaults) on the NHWC tensor of an NCHW shape. */
    private static InstanceNormDesc instanceNhwc(Shape nchw) {
        return InstanceNormDesc.of(Shape.of(nchw.dim(0), nchw.dim(2), nchw.dim(3), nchw.dim(1)), ChannelLayout.NHWC);
    }

    /** The NHWC descriptor of an NCHW shape's tensor: the same N, C, H, W stored channels last. */
    private static BatchNormDesc nhwc(Shape nchw) {
        return BatchNormDesc.of(Shape.of(nchw.dim(0), nchw.dim(2), nchw.dim(3), nchw.dim(1)), ChannelLayout.NHWC);
    }
}
