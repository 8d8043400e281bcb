package dev.normkit.parallel;

import dev.normkit.ActivationDesc;
import dev.normkit.Backend;
import dev.normkit.BatchNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.Parallelism;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
import dev.normkit.Support;
import dev.normkit.spi.InstanceNormOnGroupNorm;
import java.util.concurrent.Executor;

/**
 * A Java path with every call split into {@link Chunks} that run on the caller and helper threads: the layer the
 * default {@link Backend#parallel} puts around the path's own single-threaded kernels, which run each chunk on
 * {@code asSlice} views of the caller's tensors (slices of a {@code float[]} are still {@code float[]}-backed, so the
 * vector path keeps its array loops).
 */
public final class ParallelBackend implements Backend {

    private final Backend base;
    private final ChunkRunner runner;

    private ParallelBackend(Backend base, ChunkRunner runner) {
        this.base = base;
        this.runner = runner;
    }

    /**
     * {@code base} on {@code parallelism}'s threads. One thread still gets the chunked kernels (run on the caller),
     * so that 1 and N threads give the same bits.
     */
    public static Backend of(Backend base, Parallelism parallelism) {
        if (parallelism == null) {
            throw new IllegalArgumentException("parallelism: must not be null");
        }
        Backend plain = base instanceof ParallelBackend p ? p.base : base;
        Executor executor = parallelism.executor() != null ? parallelism.executor() : NormkitPool.get();
        return new ParallelBackend(plain, new ChunkRunner(executor, parallelism.threads()));
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public String description() {
        return base.description() + ", " + runner.threads() + " threads per call";
    }

    @Override
    public Support support(KernelDesc<?> desc) {
        return base.support(desc);
    }

    @Override
    public int threads() {
        return runner.threads();
    }

    @Override
    public Backend parallel(Parallelism parallelism) {
        return of(base, parallelism);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K extends Kernel> K create(KernelDesc<K> desc) {
        Kernel k = switch (desc) {
            case LayerNormDesc d -> new ParallelLayerNorm(base, d, runner);
            case RmsNormDesc d -> new ParallelRmsNorm(base, d, runner);
            case SoftmaxDesc d -> new ParallelSoftmax(base, d, runner);
            case ActivationDesc d -> new ParallelActivation(base, d, runner);
            case GroupNormDesc d -> new ParallelGroupNorm(base, d, runner);
            case BatchNormDesc d -> new ParallelBatchNorm(base, d, runner); // inference forward split; see the class
            // Made of this layer's group norm (split by samples) and batch norm (inference forward split, the rest on
            // the caller).
            case InstanceNormDesc d -> InstanceNormOnGroupNorm.create(this, d);
            default -> base.create(desc); // a kernel without a parallel form runs on its caller
        };
        return (K) k;
    }
}
