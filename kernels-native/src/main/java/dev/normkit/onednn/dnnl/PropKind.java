package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;

/** Propagation kinds ({@code dnnl_prop_kind_t}). */
public enum PropKind {
    /** Forward that saves what backward needs (statistics, workspace). */
    FORWARD_TRAINING,
    /** Forward that saves nothing. */
    FORWARD_INFERENCE,
    /** Backward computing diff_src and the parameters' gradients (diff_scale, diff_shift). */
    BACKWARD,
    /** Backward computing diff_src only. */
    BACKWARD_DATA;

    /** The {@code dnnl_prop_kind_t} value. */
    int value() {
        return switch (this) {
            case FORWARD_TRAINING -> Dnnl.dnnl_forward_training();
            case FORWARD_INFERENCE -> Dnnl.dnnl_forward_inference();
            case BACKWARD -> Dnnl.dnnl_backward();
            case BACKWARD_DATA -> Dnnl.dnnl_backward_data();
        };
    }

    boolean isForward() {
        return this == FORWARD_TRAINING || this == FORWARD_INFERENCE;
    }
}
