package dev.normkit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every kernel's outputs, every direction, on fixed inputs whose shapes a parallel kernel cuts into several chunks:
 * what the thread-count, concurrency and JIT-tier tests compare, bit for bit. {@link #main} prints one hash per output
 * for a forked JVM (JitTierTest).
 */
final class KernelOutputs {

    static final int COLS = 257;
    /** Softmax along the middle axis of outer x AXIS x INNER. */
    static final int AXIS = 30;
    static final int INNER = 50;

    /** Rows of COLS: 600 are 154,200 floats, over Parallelism.MIN_PARALLEL_FLOATS, so 10 chunks. */
    final int rows;
    private final int outer;
    private final int elements;

    private final LayerNormKernel ln;
    private final RmsNormKernel rms;
    private final SoftmaxKernel[] softmaxes;
    private final ActivationKernel[] activations;
    private final GroupNormKernel[] groupNorms;
    private final InstanceNormKernel instanceNorm;
    private final LrnKernel[] lrns;
    private final L2NormalizeKernel[] l2Normalizes;
    private final DivisiveNormKernel[] divisiveNorms;
    private final WeightNormKernel weightNorm;
    private final SpectralNormKernel spectralNorm;
    private final BatchNormKernel[] batchNorms;
    /** Group norm samples: 6 of 64 x 20 x 20 are 153,600 floats, so a parallel kernel runs 6 chunks. */
    private final int samples = 6;
    private final int side;

    /** Shapes a parallel kernel cuts into several chunks. */
    KernelOutputs(Backend path) {
        this(path, true);
    }

    /**
     * The kernels, made once (concurrency tests share them between threads); {@code chunked}: shapes a parallel kernel
     * cuts into several chunks, else a tenth of them (for the interpreter).
     */
    KernelOutputs(Backend path, boolean chunked) {
        rows = chunked ? 600 : 60;
        outer = chunked ? 110 : 11;
        elements = chunked ? 200_001 : 20_001;
        ln = path.create(LayerNormDesc.of(Shape.of(rows, COLS)));
        rms = path.create(RmsNormDesc.of(Shape.of(rows, COLS)));
        softmaxes = new SoftmaxKernel[] {path.create(SoftmaxDesc.of(Shape.of(rows, COLS))),
                path.create(SoftmaxDesc.logOf(Shape.of(rows, COLS))),
                path.create(new SoftmaxDesc(Shape.of(outer, AXIS, INNER), 1, false))};
        activations = Arrays.stream(Activation.values())
                .map(a -> path.create(ActivationDesc.of(a, Shape.of(elements))))
                .toArray(ActivationKernel[]::new);
        side = chunked ? 20 : 2;
        groupNorms = new GroupNormKernel[] {
            path.create(GroupNormDesc.of(Shape.of(samples, 64, side, side), 32)),
            path.create(GroupNormDesc.of(Shape.of(samples, side, side, 64), ChannelLayout.NHWC, 32))};
        instanceNorm = path.create(InstanceNormDesc.of(Shape.of(samples, 64, side, side)).withAffine(true)
                .withRunningStats(true));
        Shape image = Shape.of(samples, 16, side + 1, side + 1);
        lrns = new LrnKernel[] {path.create(LrnDesc.of(image)), path.create(LrnDesc.of(image).withBeta(0.6f)),
            path.create(LrnDesc.of(image).withinChannel().withLocalSize(3))};
        // p = 2, 1 and inf take only exactly rounded operations; 3, 0.3 and 3.2 take powers.
        l2Normalizes = new L2NormalizeKernel[] {path.create(L2NormalizeDesc.of(Shape.of(rows, COLS))),
            path.create(L2NormalizeDesc.of(Shape.of(rows, COLS)).withP(3f))};
        divisiveNorms = Stream.concat(
                Stream.of(2f, 1f, Float.POSITIVE_INFINITY, 0.3f, 3.2f)
                        .map(p -> DivisiveNormDesc.of(Shape.of(rows, COLS)).withP(p)),
                Stream.of(2f, 0.3f, 3.2f)
                        .map(p -> DivisiveNormDesc.acrossChannels(image, 5).withP(p)))
                .map(path::create).toArray(DivisiveNormKernel[]::new);
        weightNorm = path.create(WeightNormDesc.of(Shape.of(rows, COLS)));
        spectralNorm = path.create(SpectralNormDesc.of(Shape.of(rows, COLS)));
        // The group norm shapes: a parallel kernel cuts NCHW into 6 chunks of a sample, NHWC into 10 of 256 rows.
        batchNorms = new BatchNormKernel[] {
            path.create(BatchNormDesc.of(Shape.of(samples, 64, side, side))),
            path.create(BatchNormDesc.of(Shape.of(samples, side, side, 64), ChannelLayout.NHWC))};
    }

    /** Each output by name ("layer_norm backward diffScale diffShift", ...); {@code seed} picks the inputs. */
    Map<String, float[]> run(long seed) {
        Map<String, float[]> out = new LinkedHashMap<>();
        int n = rows * COLS;
        float[] x = TestData.normal(seed, n, 3, 2);
        float[] dy = TestData.normal(seed + 1, n);
        float[] gamma = TestData.normal(seed + 2, COLS, 1, 0.5);
        float[] beta = TestData.normal(seed + 3, COLS);

        float[] y = new float[n], mean = new float[rows], rstd = new float[rows];
        ln.forwardTraining(x, y, gamma, beta, mean, rstd);
        float[] dx = new float[n], dg = new float[COLS], db = new float[COLS];
        ln.backward(x, dy, gamma, mean, rstd, dx, dg, db);
        put(out, "layer_norm forward", y, mean, rstd);
        put(out, "layer_norm backward diffSrc", dx);
        put(out, "layer_norm backward diffScale diffShift", dg, db);

        y = new float[n];
        rstd = new float[rows];
        rms.forwardTraining(x, y, gamma, rstd);
        dx = new float[n];
        dg = new float[COLS];
        rms.backward(x, dy, gamma, rstd, dx, dg);
        put(out, "rms_norm forward", y, rstd);
        put(out, "rms_norm backward diffSrc", dx);
        put(out, "rms_norm backward diffScale", dg);

        for (SoftmaxKernel sm : softmaxes) {
            SoftmaxDesc d = sm.desc();
            int size = (int) d.shape().elementCount();
            float[] sy = new float[size], sdx = new float[size];
            sm.forward(Arrays.copyOf(x, size), sy);
            // Backward on a fixed dst, not forward's output: each direction's bits are checked on their own.
            float[] dst = d.log() ? TestData.normal(seed + 6, size, -6, 1)
                    : TestData.normal(seed + 6, size, 0.01, 0.005);
            sm.backward(dst, Arrays.copyOf(dy, size), sdx);
            String name = d.kernelName() + (d.axis() == d.shape().rank() - 1 ? "" : " axis " + d.axis());
            put(out, name + " forward", sy);
            put(out, name + " backward", sdx);
        }

        float[] a = TestData.normal(seed + 4, elements, 0, 3);
        float[] da = TestData.normal(seed + 5, elements);
        for (ActivationKernel k : activations) {
            float[] ay = new float[elements], adx = new float[elements];
            k.forward(a, ay);
            put(out, k.desc().kernelName() + " forward", ay);
            if (k.desc().activation().hasBackward()) {
                k.backward(a, da, adx);
                put(out, k.desc().kernelName() + " backward", adx);
            }
        }

        for (GroupNormKernel g : groupNorms) {
            int size = samples * 64 * side * side;
            float[] gx = TestData.normal(seed + 7, size, 3, 2), gdy = TestData.normal(seed + 8, size);
            float[] gy = new float[size], gdx = new float[size];
            float[] gm = new float[samples * 32], gv = new float[samples * 32];
            float[] gg = Arrays.copyOf(gamma, 64), gb = Arrays.copyOf(beta, 64), dgg = new float[64], dgb = new float[64];
            g.forwardTraining(gx, gy, gg, gb, gm, gv);
            g.backward(gx, gdy, gg, gm, gv, gdx, dgg, dgb);
            String name = "group_norm " + g.desc().layout().name().toLowerCase(Locale.ROOT);
            put(out, name + " forward", gy, gm, gv);
            put(out, name + " backward diffSrc", gdx);
            put(out, name + " backward diffScale diffShift", dgg, dgb);
        }
        channelAndWeightReductions(out, seed, x, dy, gamma, beta);

        for (BatchNormKernel k : batchNorms) {
            int size = samples * 64 * side * side;
            float[] bx = TestData.normal(seed + 9, size, 3, 2), bdy = TestData.normal(seed + 10, size);
            float[] by = new float[size], bdx = new float[size], inference = new float[size];
            float[] bm = new float[64], bv = new float[64], rm = new float[64], rv = new float[64];
            Arrays.fill(rv, 1f);
            float[] bg = Arrays.copyOf(gamma, 64), bb = Arrays.copyOf(beta, 64), dbg = new float[64], dbb = new float[64];
            k.forwardTraining(bx, by, bg, bb, bm, bv, rm, rv);
            k.forward(bx, inference, bg, bb, rm, rv);
            k.backward(bx, bdy, bg, bm, bv, null, bdx, dbg, dbb);
            String name = "batch_norm " + k.desc().layout().name().toLowerCase(Locale.ROOT);
            put(out, name + " forward_training", by, bm, bv, rm, rv);
            put(out, name + " forward", inference);
            put(out, name + " backward diffSrc", bdx);
            put(out, name + " backward diffScale diffShift", dbg, dbb);
        }
        return out;
    }

    /** Instance norm, LRN, the p-norms and the weight reparameterizations, each direction. */
    private void channelAndWeightReductions(Map<String, float[]> out, long seed, float[] x, float[] dy, float[] gamma,
            float[] beta) {
        int size = samples * 64 * side * side, planes = samples * 64;
        float[] ix = TestData.normal(seed + 9, size, 3, 2), idy = TestData.normal(seed + 10, size);
        float[] iy = new float[size], im = new float[planes], iv = new float[planes], idx = new float[size];
        float[] rm = new float[64], rv = new float[64];
        Arrays.fill(rv, 1f);
        float[] ig = Arrays.copyOf(gamma, 64), ib = Arrays.copyOf(beta, 64), dig = new float[64], dib = new float[64];
        instanceNorm.forwardTraining(ix, iy, ig, ib, im, iv, rm, rv);
        instanceNorm.backward(ix, idy, ig, im, iv, idx, dig, dib);
        put(out, "instance_norm forward", iy, im, iv, rm, rv);
        put(out, "instance_norm backward diffSrc", idx);
        put(out, "instance_norm backward diffScale diffShift", dig, dib);

        for (LrnKernel k : lrns) {
            int n = (int) k.desc().shape().elementCount();
            float[] ly = new float[n], ldx = new float[n];
            k.forward(Arrays.copyOf(x, n), ly);
            k.backward(Arrays.copyOf(x, n), Arrays.copyOf(dy, n), ldx);
            String name = "lrn " + k.desc().algorithm().name().toLowerCase(Locale.ROOT) + " beta "
                    + k.desc().beta();
            put(out, name + " forward", ly);
            put(out, name + " backward", ldx);
        }

        int n = rows * COLS;
        for (L2NormalizeKernel k : l2Normalizes) {
            float[] ny = new float[n], ndx = new float[n];
            k.forward(x, ny);
            k.backward(x, dy, ndx);
            put(out, "l2_normalize p " + k.desc().p() + " forward", ny);
            put(out, "l2_normalize p " + k.desc().p() + " backward", ndx);
        }
        for (DivisiveNormKernel k : divisiveNorms) {
            int len = (int) k.desc().shape().elementCount();
            float[] ny = new float[len], ndx = new float[len], ndg = new float[1];
            float[] kx = Arrays.copyOf(x, len);
            k.forward(kx, ny);
            k.backward(kx, Arrays.copyOf(dy, len), ndx, ndg);
            String name = "divisive_norm " + k.desc().region().name().toLowerCase(Locale.ROOT) + " p "
                    + k.desc().p();
            put(out, name + " forward", ny);
            put(out, name + " backward", ndx, ndg);
        }

        float[] g = TestData.normal(seed + 11, rows, 1, 0.5);
        float[] w = new float[n], norm = new float[rows], dw = TestData.normal(seed + 12, n);
        float[] dv = new float[n], dg = new float[rows];
        weightNorm.forwardTraining(x, g, w, norm);
        weightNorm.backward(x, g, norm, dw, dv, dg);
        put(out, "weight_norm forward", w, norm);
        put(out, "weight_norm backward", dv, dg);

        float[] u = TestData.normal(seed + 13, rows), v = TestData.normal(seed + 14, COLS);
        float[] sy = new float[n], sigma = new float[1], sdx = new float[n];
        spectralNorm.forwardTraining(x, u, v, sy, sigma);
        spectralNorm.backward(x, dy, u, v, sigma, sdx);
        put(out, "spectral_norm forward", sy, u, v, sigma);
        put(out, "spectral_norm backward", sdx);
    }

    private static void put(Map<String, float[]> out, String name, float[]... parts) {
        int length = 0;
        for (float[] p : parts) length += p.length;
        float[] all = new float[length];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        out.put(name, all);
    }

    /** A hash of the bits (NaN payloads included). */
    static String hash(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) bits[i] = Float.floatToRawIntBits(values[i]);
        return Integer.toHexString(Arrays.hashCode(bits)) + ":" + values.length;
    }

    /**
     * Prints {@code name=hash} per output of the vector path on the small shapes (parallel on 2 threads when the second
     * argument is {@code parallel}) after {@code args[0]} rounds of calls, so a JVM can be measured interpreted
     * ({@code -Xint}, one round) or after C2 has compiled the loops (many rounds).
     */
    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        Backend vector = Backends.get("vector");
        Backend path = args.length > 1 && args[1].equals("parallel") ? vector.parallel(Parallelism.threads(2)) : vector;
        KernelOutputs kernels = new KernelOutputs(path, false);
        Map<String, float[]> last = null;
        for (int r = 0; r < rounds; r++) last = kernels.run(11);
        last.forEach((name, values) -> System.out.println(name + "=" + hash(values)));
    }
}
