package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;

/**
 * Element-wise algorithms ({@code dnnl_eltwise_*}); what alpha and beta mean for each is in oneDNN's eltwise
 * documentation (e.g. RELU: alpha is the negative slope; CLIP_V2: alpha, beta are the bounds; SWISH: alpha is the b of
 * {@code x * sigmoid(b x)}). The {@code _USE_DST_FOR_BWD} variants compute backward from the forward output (DST)
 * instead of SRC.
 */
public enum EltwiseAlg {
    RELU,
    TANH,
    ELU,
    SQUARE,
    ABS,
    SQRT,
    LINEAR,
    SOFT_RELU,
    HARDSIGMOID,
    LOGISTIC,
    EXP,
    GELU_TANH,
    SWISH,
    LOG,
    CLIP,
    CLIP_V2,
    POW,
    GELU_ERF,
    ROUND,
    MISH,
    HARDSWISH,
    RELU_USE_DST_FOR_BWD,
    TANH_USE_DST_FOR_BWD,
    ELU_USE_DST_FOR_BWD,
    SQRT_USE_DST_FOR_BWD,
    LOGISTIC_USE_DST_FOR_BWD,
    EXP_USE_DST_FOR_BWD,
    CLIP_V2_USE_DST_FOR_BWD;

    /** The {@code dnnl_alg_kind_t} value. */
    int value() {
        return switch (this) {
            case RELU -> Dnnl.dnnl_eltwise_relu();
            case TANH -> Dnnl.dnnl_eltwise_tanh();
            case ELU -> Dnnl.dnnl_eltwise_elu();
            case SQUARE -> Dnnl.dnnl_eltwise_square();
            case ABS -> Dnnl.dnnl_eltwise_abs();
            case SQRT -> Dnnl.dnnl_eltwise_sqrt();
            case LINEAR -> Dnnl.dnnl_eltwise_linear();
            case SOFT_RELU -> Dnnl.dnnl_eltwise_soft_relu();
            case HARDSIGMOID -> Dnnl.dnnl_eltwise_hardsigmoid();
            case LOGISTIC -> Dnnl.dnnl_eltwise_logistic();
            case EXP -> Dnnl.dnnl_eltwise_exp();
            case GELU_TANH -> Dnnl.dnnl_eltwise_gelu_tanh();
            case SWISH -> Dnnl.dnnl_eltwise_swish();
            case LOG -> Dnnl.dnnl_eltwise_log();
            case CLIP -> Dnnl.dnnl_eltwise_clip();
            case CLIP_V2 -> Dnnl.dnnl_eltwise_clip_v2();
            case POW -> Dnnl.dnnl_eltwise_pow();
            case GELU_ERF -> Dnnl.dnnl_eltwise_gelu_erf();
            case ROUND -> Dnnl.dnnl_eltwise_round();
            case MISH -> Dnnl.dnnl_eltwise_mish();
            case HARDSWISH -> Dnnl.dnnl_eltwise_hardswish();
            case RELU_USE_DST_FOR_BWD -> Dnnl.dnnl_eltwise_relu_use_dst_for_bwd();
            case TANH_USE_DST_FOR_BWD -> Dnnl.dnnl_eltwise_tanh_use_dst_for_bwd();
            case ELU_USE_DST_FOR_BWD -> Dnnl.dnnl_eltwise_elu_use_dst_for_bwd();
            case SQRT_USE_DST_FOR_BWD -> Dnnl.dnnl_eltwise_sqrt_use_dst_for_bwd();
            case LOGISTIC_USE_DST_FOR_BWD -> Dnnl.dnnl_eltwise_logistic_use_dst_for_bwd();
            case EXP_USE_DST_FOR_BWD -> Dnnl.dnnl_eltwise_exp_use_dst_for_bwd();
            case CLIP_V2_USE_DST_FOR_BWD -> Dnnl.dnnl_eltwise_clip_v2_use_dst_for_bwd();
        };
    }

    /** True for the variants whose backward takes the forward output (DST) instead of SRC. */
    public boolean usesDstForBackward() {
        return name().endsWith("_USE_DST_FOR_BWD");
    }
}
