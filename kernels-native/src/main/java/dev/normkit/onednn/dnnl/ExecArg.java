package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;

/** Execution arguments of a primitive ({@code DNNL_ARG_*}) used by the normalization and activation primitives. */
public enum ExecArg {
    SRC,
    /** The second source: the addend of batch norm's FUSE_NORM_ADD_RELU. */
    SRC_1,
    DST,
    DIFF_SRC,
    /** The addend's gradient of batch norm's FUSE_NORM_ADD_RELU backward. */
    DIFF_SRC_1,
    DIFF_DST,
    MEAN,
    /** Variance (layer, batch, group norm), or the mean of squares with {@link NormFlag#RMS_NORM}. */
    VARIANCE,
    SCALE,
    SHIFT,
    DIFF_SCALE,
    DIFF_SHIFT,
    /** Opaque data a training forward saves for backward (batch norm with fused ReLU, LRN, ...). */
    WORKSPACE,
    /** Temporary memory; {@link DnnlPrimitive} binds its own. */
    SCRATCHPAD;

    /** The {@code DNNL_ARG_*} id. */
    int id() {
        return switch (this) {
            case SRC -> Dnnl.DNNL_ARG_SRC();
            case SRC_1 -> Dnnl.DNNL_ARG_SRC_1();
            case DST -> Dnnl.DNNL_ARG_DST();
            case DIFF_SRC -> Dnnl.DNNL_ARG_DIFF_SRC();
            case DIFF_SRC_1 -> Dnnl.DNNL_ARG_DIFF_SRC_1();
            case DIFF_DST -> Dnnl.DNNL_ARG_DIFF_DST();
            case MEAN -> Dnnl.DNNL_ARG_MEAN();
            case VARIANCE -> Dnnl.DNNL_ARG_VARIANCE();
            case SCALE -> Dnnl.DNNL_ARG_SCALE();
            case SHIFT -> Dnnl.DNNL_ARG_SHIFT();
            case DIFF_SCALE -> Dnnl.DNNL_ARG_DIFF_SCALE();
            case DIFF_SHIFT -> Dnnl.DNNL_ARG_DIFF_SHIFT();
            case WORKSPACE -> Dnnl.DNNL_ARG_WORKSPACE();
            case SCRATCHPAD -> Dnnl.DNNL_ARG_SCRATCHPAD();
        };
    }
}
