package dev.normkit.onednn;

import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.Backend;
import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.LrnDesc;
import dev.normkit.Parallelism;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.Support;
import dev.normkit.WeightNormDesc;
import dev.normkit.UnsupportedKernelException;
import dev.normkit.spi.InstanceNormOnGroupNorm;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.DnnlException;
import dev.normkit.onednn.dnnl.DnnlInfo;
import java.util.function.Supplier;

/**
 * The {@code onednn} path: normkit kernels on oneDNN 3.13 primitives, reached through FFM. Loaded by
 * {@link OneDnnBackendProvider}; it creates the CPU engine once and every kernel runs on it.
 *
 * <p><b>Threads.</b> oneDNN runs on OpenMP threads. The system property {@code normkit.onednn.threads} (default 1,
 * to match the single-threaded Java paths, read once when the path loads) sets how many: it is applied with
 * {@code omp_set_num_threads} before a kernel creates its primitives and again before each run, because libgomp keeps
 * the setting per calling thread; a kernel therefore uses that many threads whichever thread runs it. The
 * description says the count, e.g. {@code oneDNN 3.13.0, avx2, 1 OpenMP thread}.
 *
 * <p><b>Memory.</b> Native segments are used in place (zero-copy); heap segments are copied through native staging
 * buffers of the kernel, allocated the first time a heap argument needs one and kept until the kernel is closed, so
 * a caller who passes only native segments never holds any. Concurrent calls on one kernel are safe and run one
 * after another: each kernel holds its own stream, the arguments of its current run and its staging buffers, which
 * its primitives share, so its run methods take the kernel's lock (one call already uses every OpenMP thread it was
 * made for; state per calling thread would multiply primitives and scratchpads for no speed).
 *
 * <p><b>Support.</b> A descriptor is supported when oneDNN can make its primitive descriptors (inference and
 * training forward, backward); otherwise {@link #support} gives oneDNN's reason (e.g. {@code unimplemented}).
 */
public final class OneDnnBackend implements Backend {

    /** The path's name. */
    static final String NAME = "onednn";
    /** Why l2_normalize and divisive_norm stay on the Java paths. */
    static final String NO_PNORM = "oneDNN 3.13 has no p-norm normalization primitive (l2_normalize, divisive_norm);"
            + " use the scalar or vector path";

    private final DnnlEngine engine;
    private final OneDnnThreads threads;
    private final String isa;
    private final String description;

    private OneDnnBackend(DnnlEngine engine, OneDnnThreads threads, String isa, String description) {
        this.engine = engine;
        this.threads = threads;
        this.isa = isa;
        this.description = description;
    }

    /**
     * Loads the path: reads the thread count and creates the CPU engine. oneDNN must be loaded.
     *
     * @throws dev.normkit.BackendUnavailableException when {@code normkit.onednn.threads} is invalid or cannot be
     *     applied
     */
    static OneDnnBackend load() {
        OneDnnThreads threads = OneDnnThreads.fromSystemProperty();
        threads.apply();
        DnnlEngine engine = DnnlEngine.cpu();
        return new OneDnnBackend(engine, threads, DnnlInfo.cpuIsa(), describe(DnnlInfo.cpuIsa(), threads.count()));
    }

    private static String describe(String isa, int n) {
        return "oneDNN " + DnnlInfo.version() + ", " + isa + ", " + n + " OpenMP thread" + (n == 1 ? "" : "s");
    }

    /**
     * This path with {@code parallelism.threads()} OpenMP threads per call: kernels it creates apply that count when
     * their primitives are made and before each run, on whichever thread calls them. libgomp keeps the count per
     * calling thread, so kernels made for different counts coexist, even called alternately from one thread: each
     * sets its own before it runs. oneDNN runs on its own OpenMP threads, so the executor must be {@code null}.
     */
    @Override
    public Backend parallel(Parallelism parallelism) {
        if (parallelism == null) {
            throw new IllegalArgumentException("parallelism: must not be null");
        }
        if (parallelism.executor() != null) {
            throw new IllegalArgumentException("parallelism.executor: must be null on the onednn path, which runs on"
                    + " OpenMP threads (set the count with Parallelism.threads(n))");
        }
        if (parallelism.threads() == threads.count()) {
            return this;
        }
        return new OneDnnBackend(engine, threads.withCount(parallelism.threads()), isa,
                describe(isa, parallelism.threads()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return description;
    }

    /**
     * The instruction set oneDNN generates code for here, as oneDNN names it ({@code avx2}, {@code avx512_core_bf16},
     * ...): the CPU's best, or less where {@code ONEDNN_MAX_CPU_ISA} caps it.
     */
    public String isa() {
        return isa;
    }

    /** The OpenMP thread count every kernel of this path runs with. */
    @Override
    public int threads() {
        return threads.count();
    }

    /** Why weight norm does not run here: the reason support and create give. */
    static final String NO_WEIGHT_NORM = "oneDNN 3.13 has no weight normalization primitive (a per-slice norm and "
            + "scale of a weight tensor); use the scalar or vector path";
    /** Why spectral norm does not run here. */
    static final String NO_SPECTRAL_NORM = "oneDNN 3.13 has no spectral normalization primitive (power iteration on "
            + "a weight matrix); use the scalar or vector path";

    @Override
    public Support support(KernelDesc<?> desc) {
        threads.apply();
        try {
            switch (desc) {
                case LayerNormDesc d -> OneDnnLayerNorm.descs(engine, d).close();
                case RmsNormDesc d -> OneDnnRmsNorm.descs(engine, d).close();
                case SoftmaxDesc d -> OneDnnSoftmax.descs(engine, d).close();
                case ActivationDesc d -> OneDnnActivation.descs(engine, d).close();
                case BatchNormDesc d -> OneDnnBatchNorm.descs(engine, d).close();
                case GroupNormDesc d -> OneDnnGroupNorm.descs(engine, d).close();
                case InstanceNormDesc d -> {
                    return InstanceNormOnGroupNorm.support(this, d);
                }
                case WeightNormDesc d -> {
                    return Support.no(NO_WEIGHT_NORM);
                }
                case SpectralNormDesc d -> {
                    return Support.no(NO_SPECTRAL_NORM);
                }
                case LrnDesc d -> OneDnnLrn.descs(engine, d).close();
                case L2NormalizeDesc d -> {
                    return Support.no(NO_PNORM);
                }
                case DivisiveNormDesc d -> {
                    return Support.no(NO_PNORM);
                }
            }
            return Support.yes();
        } catch (DnnlException | IllegalArgumentException e) {
            return Support.no(e.getMessage());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K extends Kernel> K create(KernelDesc<K> desc) {
        threads.apply();
        Kernel kernel = switch (desc) {
            case LayerNormDesc d -> {
                try (LayerNormalizationDescs pds = descs(d, () -> OneDnnLayerNorm.descs(engine, d))) {
                    yield new OneDnnLayerNorm(engine, threads, d, pds);
                }
            }
            case RmsNormDesc d -> {
                try (LayerNormalizationDescs pds = descs(d, () -> OneDnnRmsNorm.descs(engine, d))) {
                    yield new OneDnnRmsNorm(engine, threads, d, pds);
                }
            }
            case SoftmaxDesc d -> {
                try (OneDnnSoftmax.Descs pds = descs(d, () -> OneDnnSoftmax.descs(engine, d))) {
                    yield new OneDnnSoftmax(engine, threads, d, pds);
                }
            }
            case ActivationDesc d -> {
                try (OneDnnActivation.Descs pds = descs(d, () -> OneDnnActivation.descs(engine, d))) {
                    yield new OneDnnActivation(engine, threads, d, pds);
                }
            }
            case BatchNormDesc d -> {
                try (OneDnnBatchNorm.Descs pds = descs(d, () -> OneDnnBatchNorm.descs(engine, d))) {
                    yield new OneDnnBatchNorm(engine, threads, d, pds);
                }
            }
            case GroupNormDesc d -> {
                try (OneDnnGroupNorm.Descs pds = descs(d, () -> OneDnnGroupNorm.descs(engine, d))) {
                    yield new OneDnnGroupNorm(engine, threads, d, pds);
                }
            }
            // group_normalization with G = C; from running statistics, batch_normalization inference
            case InstanceNormDesc d -> InstanceNormOnGroupNorm.create(this, d);
            case WeightNormDesc d -> throw new UnsupportedKernelException(NAME, d, NO_WEIGHT_NORM);
            case SpectralNormDesc d -> throw new UnsupportedKernelException(NAME, d, NO_SPECTRAL_NORM);
            case LrnDesc d -> {
                try (OneDnnLrn.Descs pds = descs(d, () -> OneDnnLrn.descs(engine, d))) {
                    yield new OneDnnLrn(engine, threads, d, pds);
                }
            }
            case L2NormalizeDesc d -> throw new UnsupportedKernelException(NAME, d, NO_PNORM);
            case DivisiveNormDesc d -> throw new UnsupportedKernelException(NAME, d, NO_PNORM);
        };
        return (K) kernel;
    }

    /** Makes a kernel's descriptors; oneDNN refusing them is the {@link UnsupportedKernelException} support predicts. */
    private <P> P descs(KernelDesc<?> desc, Supplier<P> maker) {
        try {
            return maker.get();
        } catch (DnnlException | IllegalArgumentException e) {
            throw new UnsupportedKernelException(NAME, desc, e.getMessage());
        }
    }
}
