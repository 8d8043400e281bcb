package dev.normkit.scalar;

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

/** The {@code scalar} path: plain Java loops, the readable reference and the fallback. Runs every kernel. */
public final class ScalarBackend implements Backend {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String description() {
        return "plain Java, f32 storage";
    }

    @Override
    public Support support(KernelDesc<?> desc) {
        return Support.yes();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K extends Kernel> K create(KernelDesc<K> desc) {
        Kernel k = switch (desc) {
            case LayerNormDesc d -> new ScalarLayerNorm(d);
            case RmsNormDesc d -> new ScalarRmsNorm(d);
            case SoftmaxDesc d -> new ScalarSoftmax(d);
            case ActivationDesc d -> new ScalarActivation(d);
            case BatchNormDesc d -> new ScalarBatchNorm(d);
            case GroupNormDesc d -> new ScalarGroupNorm(d);
            // G = C on this path's group norm; running statistics on its batch norm (spi.InstanceNormOnGroupNorm)
            case InstanceNormDesc d -> InstanceNormOnGroupNorm.create(this, d);
            case WeightNormDesc d -> new ScalarWeightNorm(d);
            case SpectralNormDesc d -> new ScalarSpectralNorm(d);
            case LrnDesc d -> new ScalarLrn(d);
            case L2NormalizeDesc d -> new ScalarL2Normalize(d);
            case DivisiveNormDesc d -> d.acrossChannels() ? new ScalarWindowDivisiveNorm(d)
                    : new ScalarDivisiveNorm(d);
        };
        return (K) k;
    }
}
