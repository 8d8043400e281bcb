package dev.normkit.vector;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.LrnDesc;
import dev.normkit.LrnKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * LRN on the Vector API. Three ways through, chosen once per descriptor; each reads every input of the caller's once
 * and writes every output once, copying caller memory to and from kernel-owned {@code float[]} (the streamed ways
 * through {@link Rows}, per sample by bulk copies), so the vector loops only ever see arrays (package rule 1).
 *
 * <ul>
 *   <li><b>Channel rows</b> ({@link LrnChannelStream}): across channels, channels first, at least one vector of
 *       positions per channel (AlexNet's NCHW LRN). Per channel row of a tile of up to 1024 positions (in L1/L2):
 *       forward copies the row in, runs one loop (window sum, power, product; beta other than 0.75 takes two: window
 *       terms, then log, exp and product) and copies the row out; backward copies two rows in (src, diffDst), runs one loop
 *       for the row's p and t (four for beta other than 0.75: window terms, log, exp, t), one for the output row, and
 *       copies it out.</li>
 *   <li><b>Position blocks</b> ({@link LrnPositionStream}): across channels with each position's channels contiguous
 *       (channels last, N x C). A block of about 1024 floats of zero-padded positions at a time, with the same loops
 *       and the same loop counts per block as a channel row.</li>
 *   <li><b>Per sample</b> (the rest: within channel; channels first with fewer positions than a vector), on
 *       kernel-owned {@code float[]} scratch of one sample ({@code C x S} floats each). A sample is copied in (a bulk
 *       copy, not a vector access, so heap and native callers take the same loops and the vector loops only ever see
 *       arrays: see {@link Placement}); then the window sums are box sums of the squares along one axis at a time
 *       ({@link LrnBoxSums}): across channels one pass along C, within channel one along each spatial axis longer than
 *       1 (the box is separable). Each box pass reads every value of its input once per window position that holds
 *       it, in vectors along the contiguous flattened index, so every vector lane is a different spatial position.
 *       Passes over the scratch: forward 2 + (box axes), backward 4 + 2 (box axes).</li>
 * </ul>
 *
 * <p>All take each window sum once per element by adding the window's terms in f32, not by sliding (adding the
 * entering square and subtracting the leaving one would cancel: a large square leaving a window of small ones leaves
 * its rounding error behind). Powers: beta = 0.75 (PyTorch's default, and AlexNet's) is {@code 1 / (sqrt(w) *
 * sqrt(sqrt(w)))}, correctly rounded operations only, as oneDNN special-cases it; any other beta is
 * {@code exp(-beta log w)} with VectorMath's repeatable log and exp, a pass each, several times dearer (the Vector
 * API's POW would be SVML in C2 code only, so its bits would depend on the JIT tier). The kernel keeps one set of scratch arrays; a call takes
 * it, and a concurrent call that finds it taken allocates its own, so several threads may call one kernel at once. A
 * call runs on its caller's thread (the parallel path runs it single-threaded).
 */
final class VectorLrn implements LrnKernel {

    private static final VectorSpecies<Float> F = FloatSpecies.F;

    private final LrnDesc desc;
    private final int batch;
    private final int size;
    private final LrnBoxSums box;
    private final float k;
    private final float alphaOverDivisor;
    private final float negBeta;
    private final float coef;
    private final boolean threeQuarters;
    /** The streamed ways; at most one is non-null, and with neither the call runs per sample. */
    private final LrnChannelStream stream;
    private final LrnPositionStream positions;
    /** The kept scratch, or null while a call holds it (or where the stream runs every call). */
    private final AtomicReference<Scratch> kept;

    /** One sample's working arrays: src, diffDst (then diffSrc), two box-sum buffers, the powers. */
    private record Scratch(float[] x, float[] g, float[] a, float[] b, float[] p) {
        static Scratch of(int size) {
            return new Scratch(new float[size], new float[size], new float[size], new float[size], new float[size]);
        }
    }

    VectorLrn(LrnDesc desc) {
        this.desc = desc;
        this.batch = Math.toIntExact(desc.batch());
        this.size = Math.toIntExact(desc.channels() * desc.spatial());
        this.box = LrnBoxSums.of(desc);
        this.k = desc.k();
        this.alphaOverDivisor = (float) (desc.alpha() / desc.divisor());
        this.negBeta = -desc.beta();
        this.coef = (float) (2.0 * desc.alpha() * desc.beta() / desc.divisor());
        this.threeQuarters = desc.beta() == 0.75f;
        this.stream = LrnChannelStream.takes(desc) ? new LrnChannelStream(desc) : null;
        this.positions = stream == null && LrnPositionStream.takes(desc) ? new LrnPositionStream(desc) : null;
        this.kept = new AtomicReference<>(stream == null && positions == null ? Scratch.of(size) : null);
    }

    @Override
    public LrnDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.lrnForward(desc, src, dst);
        if (stream != null) {
            stream.forward(src, dst);
            return;
        }
        if (positions != null) {
            positions.forward(src, dst);
            return;
        }
        Scratch s = take();
        float[] x = s.x(), g = s.g(), a = s.a(), b = s.b();
        for (int n = 0; n < batch; n++) {
            long at = (long) n * size * Float.BYTES;
            MemorySegment.copy(src, JAVA_FLOAT, at, x, 0, size);
            squares(x, a, size);
            float[] w = box.sum(a, b);
            if (threeQuarters) {
                forwardThreeQuarters(x, w, g, size, k, alphaOverDivisor);
            } else {
                forwardWrite(x, w, g, size, k, alphaOverDivisor, negBeta);
            }
            MemorySegment.copy(g, 0, dst, JAVA_FLOAT, at, size);
        }
        kept.set(s);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.lrnBackward(desc, src, diffDst, diffSrc);
        if (stream != null) {
            stream.backward(src, diffDst, diffSrc);
            return;
        }
        if (positions != null) {
            positions.backward(src, diffDst, diffSrc);
            return;
        }
        Scratch s = take();
        float[] x = s.x(), g = s.g(), a = s.a(), b = s.b(), p = s.p();
        for (int n = 0; n < batch; n++) {
            long at = (long) n * size * Float.BYTES;
            MemorySegment.copy(src, JAVA_FLOAT, at, x, 0, size);
            MemorySegment.copy(diffDst, JAVA_FLOAT, at, g, 0, size);
            squares(x, a, size);
            float[] w = box.sum(a, b);
            float[] t = w == a ? b : a;
            if (threeQuarters) {
                powersThreeQuarters(x, g, w, p, t, size, k, alphaOverDivisor);
            } else {
                powers(x, g, w, p, t, size, k, alphaOverDivisor, negBeta);
            }
            float[] holders = box.sumMirrored(t, w);
            backwardWrite(x, g, p, holders, size, coef);
            MemorySegment.copy(g, 0, diffSrc, JAVA_FLOAT, at, size);
        }
        kept.set(s);
    }

    /** The kept scratch, or new arrays while another call holds it (not returned on an exception: it is rebuilt). */
    private Scratch take() {
        Scratch s = kept.getAndSet(null);
        return s != null ? s : Scratch.of(size);
    }

    private static void squares(float[] x, float[] out, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            v.mul(v).intoArray(out, i);
        }
        for (; i < n; i++) out[i] = x[i] * x[i];
    }

    /** y = x / (sqrt(w) * sqrt(sqrt(w))) = x * w^-0.75, w = k + alpha/divisor * sum (see {@link LrnChannelStream}). */
    private static void forwardThreeQuarters(float[] x, float[] sum, float[] y, int n, float k,
            float alphaOverDivisor) {
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector av = FloatVector.broadcast(F, alphaOverDivisor);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector root = FloatVector.fromArray(F, sum, i).fma(av, kv).sqrt();
            FloatVector.fromArray(F, x, i).div(root.mul(root.sqrt())).intoArray(y, i);
        }
        for (; i < n; i++) {
            float root = (float) Math.sqrt(Math.fma(sum[i], alphaOverDivisor, k));
            y[i] = x[i] / (root * (float) Math.sqrt(root));
        }
    }

    /** As {@link #powers} for beta = 0.75: p = 1 / (sqrt(w) * sqrt(sqrt(w))). */
    private static void powersThreeQuarters(float[] x, float[] dy, float[] sum, float[] p, float[] t, int n, float k,
            float alphaOverDivisor) {
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector av = FloatVector.broadcast(F, alphaOverDivisor);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector w = FloatVector.fromArray(F, sum, i).fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector pw = one.div(root.mul(root.sqrt()));
            pw.intoArray(p, i);
            FloatVector.fromArray(F, dy, i).mul(FloatVector.fromArray(F, x, i)).mul(pw).div(w).intoArray(t, i);
        }
        for (; i < n; i++) {
            float w = Math.fma(sum[i], alphaOverDivisor, k);
            float root = (float) Math.sqrt(w);
            float pw = 1f / (root * (float) Math.sqrt(root));
            p[i] = pw;
            t[i] = dy[i] * x[i] * pw / w;
        }
    }

    /** y = x * (k + alpha/divisor * sum)^-beta. */
    private static void forwardWrite(float[] x, float[] sum, float[] y, int n, float k, float alphaOverDivisor,
            float negBeta) {
        int i = F.loopBound(n);
        LrnRowLoops.affineLog(sum, alphaOverDivisor, k, y, 0, i, negBeta);
        LrnRowLoops.expTimes(y, x, 0, i);
        for (; i < n; i++) y[i] = x[i] * (float) Math.pow(Math.fma(sum[i], alphaOverDivisor, k), negBeta);
    }

    /** p = w^-beta and, into sum's partner t, dy * x * p / w: what each window holder passes back. */
    private static void powers(float[] x, float[] dy, float[] sum, float[] p, float[] t, int n, float k,
            float alphaOverDivisor, float negBeta) {
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector av = FloatVector.broadcast(F, alphaOverDivisor);
        int upper = F.loopBound(n);
        LrnRowLoops.affineLog(sum, alphaOverDivisor, k, p, 0, upper, negBeta);
        LrnRowLoops.exp(p, 0, upper);
        int i = 0;
        for (; i < upper; i += F.length()) {
            FloatVector w = FloatVector.fromArray(F, sum, i).fma(av, kv);
            FloatVector pw = FloatVector.fromArray(F, p, i);
            FloatVector.fromArray(F, dy, i).mul(FloatVector.fromArray(F, x, i)).mul(pw).div(w).intoArray(t, i);
        }
        for (; i < n; i++) {
            float w = Math.fma(sum[i], alphaOverDivisor, k);
            float pw = (float) Math.pow(w, negBeta);
            p[i] = pw;
            t[i] = dy[i] * x[i] * pw / w;
        }
    }

    /** diffSrc = dy * p - coef * x * holders, written over dy. */
    private static void backwardWrite(float[] x, float[] dy, float[] p, float[] holders, int n, float coef) {
        FloatVector cv = FloatVector.broadcast(F, -coef);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector xh = FloatVector.fromArray(F, x, i).mul(FloatVector.fromArray(F, holders, i));
            FloatVector.fromArray(F, dy, i).mul(FloatVector.fromArray(F, p, i)).add(xh.mul(cv)).intoArray(dy, i);
        }
        for (; i < n; i++) dy[i] = dy[i] * p[i] + x[i] * holders[i] * -coef;
    }
}
