package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;

/** LRN algorithms: the window runs across channels or within each channel's spatial plane. */
public enum LrnAlg {
    ACROSS_CHANNELS,
    WITHIN_CHANNEL;

    /** The {@code dnnl_alg_kind_t} value. */
    int value() {
        return switch (this) {
            case ACROSS_CHANNELS -> Dnnl.dnnl_lrn_across_channels();
            case WITHIN_CHANNEL -> Dnnl.dnnl_lrn_within_channel();
        };
    }
}
