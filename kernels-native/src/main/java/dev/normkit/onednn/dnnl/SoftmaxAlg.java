package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;

/** Softmax algorithms: softmax ({@code exp(x - max) / sum}) or log-softmax. */
public enum SoftmaxAlg {
    ACCURATE,
    LOG;

    /** The {@code dnnl_alg_kind_t} value. */
    int value() {
        return switch (this) {
            case ACCURATE -> Dnnl.dnnl_softmax_accurate();
            case LOG -> Dnnl.dnnl_softmax_log();
        };
    }
}
