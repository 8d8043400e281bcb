package dev.normkit.vector;

import dev.normkit.ActivationDesc;
import dev.normkit.Backend;
import dev.normkit.BatchNormDesc;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.LrnDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.Support;
import dev.normkit.spi.InstanceNormOnGroupNorm;
import dev.normkit.WeightNormDesc;

/**
 * The {@code vector} path: kernels on the Java Vector API. Loaded only through {@link VectorBackendProvider}, after it
 * has checked that {@code jdk.incubator.vector} is enabled.
 */
public final class VectorBackend implements Backend {

    private VectorBackend() {}

    /** Called reflectively by {@link VectorBackendProvider}. */
    public static Backend create() {
        FloatSpecies.check();
        return new VectorBackend();
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String description() {
        return "Vector API, " + FloatSpecies.F.vectorBitSize() + "-bit (" + FloatSpecies.F.length() + " floats)"
                + FloatSpecies.choiceNote();
    }

    @Override
    public Support support(KernelDesc<?> desc) {
        return Support.yes();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K extends Kernel> K create(KernelDesc<K> desc) {
        Kernel k = switch (desc) {
            case LayerNormDesc d -> new VectorLayerNorm(d);
            case RmsNormDesc d -> new VectorRmsNorm(d);
            case SoftmaxDesc d -> new VectorSoftmax(d);
            case ActivationDesc d -> new VectorActivation(d);
            case BatchNormDesc d -> new VectorBatchNorm(d);
            case GroupNormDesc d -> new VectorGroupNorm(d);
            // G = C on this path's group norm; running statistics on its batch norm (spi.InstanceNormOnGroupNorm)
            case InstanceNormDesc d -> InstanceNormOnGroupNorm.create(this, d);
            case WeightNormDesc d -> new VectorWeightNorm(d);
            case SpectralNormDesc d -> new VectorSpectralNorm(d);
            case LrnDesc d -> new VectorLrn(d);
            case L2NormalizeDesc d -> new VectorL2Normalize(d);
            case DivisiveNormDesc d -> d.acrossChannels() ? new VectorWindowDivisiveNorm(d)
                    : new VectorDivisiveNorm(d);
        };
        return (K) k;
    }
}
