package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;
import java.util.Set;

/** Normalization flags ({@code dnnl_normalization_flags_t}) of batch, layer and group normalization. */
public enum NormFlag {
    /** Mean and variance are inputs (MEAN, VARIANCE) instead of being computed. */
    USE_GLOBAL_STATS,
    /** Multiply by SCALE (gamma); backward then gives DIFF_SCALE. */
    USE_SCALE,
    /** Add SHIFT (beta); backward then gives DIFF_SHIFT. */
    USE_SHIFT,
    /** Batch norm only: ReLU after normalizing; training forward needs a WORKSPACE for backward. */
    FUSE_NORM_RELU,
    /** Batch norm only: add SRC_1, then ReLU. */
    FUSE_NORM_ADD_RELU,
    /**
     * Layer norm only: RMS normalization, {@code x / sqrt(mean(x^2) + eps)} with no mean subtraction; the mean of
     * squares is stored in VARIANCE and no MEAN is used.
     */
    RMS_NORM;

    /** The OR of {@code flags}' bits (0 for none). */
    static int bits(Set<NormFlag> flags) {
        int bits = Dnnl.dnnl_normalization_flags_none();
        for (NormFlag flag : flags) {
            bits |= flag.value();
        }
        return bits;
    }

    /** The flag's bit. */
    int value() {
        return switch (this) {
            case USE_GLOBAL_STATS -> Dnnl.dnnl_use_global_stats();
            case USE_SCALE -> Dnnl.dnnl_use_scale();
            case USE_SHIFT -> Dnnl.dnnl_use_shift();
            case FUSE_NORM_RELU -> Dnnl.dnnl_fuse_norm_relu();
            case FUSE_NORM_ADD_RELU -> Dnnl.dnnl_fuse_norm_add_relu();
            case RMS_NORM -> Dnnl.dnnl_rms_norm();
        };
    }
}
