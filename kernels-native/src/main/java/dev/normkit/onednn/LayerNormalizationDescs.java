package dev.normkit.onednn;

import static dev.normkit.onednn.dnnl.DnnlPrimitiveDesc.layerNormBackward;
import static dev.normkit.onednn.dnnl.DnnlPrimitiveDesc.layerNormForward;

import dev.normkit.onednn.dnnl.DataType;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.DnnlMemoryDesc;
import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import dev.normkit.onednn.dnnl.FormatTag;
import dev.normkit.onednn.dnnl.NormFlag;
import dev.normkit.onednn.dnnl.PropKind;
import java.util.Set;

/**
 * The oneDNN layer normalization descriptors of a layer norm or RMS norm kernel (RMS norm is layer normalization with
 * the RMS_NORM flag): inference forward, training forward, and backward hinted by the training forward. oneDNN
 * normalizes the last axis only, so the tensor is seen as {@code rows x cols}: normalizing the last k axes of a dense
 * row-major tensor is exactly normalizing the last axis of that 2-D view.
 */
record LayerNormalizationDescs(PrimitiveDescs all, DnnlPrimitiveDesc inference, DnnlPrimitiveDesc training,
        DnnlPrimitiveDesc backward) implements AutoCloseable {

    /**
     * Makes the descriptors; backward is {@code BACKWARD} (diff_scale / diff_shift too) when there is a parameter,
     * else {@code BACKWARD_DATA}.
     *
     * @throws dev.normkit.onednn.dnnl.DnnlException when oneDNN cannot run this normalization
     */
    static LayerNormalizationDescs create(DnnlEngine engine, long rows, long cols, float eps, Set<NormFlag> flags) {
        PropKind backwardKind = flags.contains(NormFlag.USE_SCALE) || flags.contains(NormFlag.USE_SHIFT)
                ? PropKind.BACKWARD : PropKind.BACKWARD_DATA;
        PrimitiveDescs all = new PrimitiveDescs();
        try (DnnlMemoryDesc data = DnnlMemoryDesc.of(DataType.F32, FormatTag.AB, rows, cols)) {
            DnnlPrimitiveDesc inference = all.add(() -> layerNormForward(engine, PropKind.FORWARD_INFERENCE, data,
                    data, null, eps, flags));
            DnnlPrimitiveDesc training = all.add(() -> layerNormForward(engine, PropKind.FORWARD_TRAINING, data,
                    data, null, eps, flags));
            DnnlPrimitiveDesc backward = all.add(() -> layerNormBackward(engine, backwardKind, data, data, data,
                    null, eps, flags, training));
            return new LayerNormalizationDescs(all, inference, training, backward);
        }
    }

    @Override
    public void close() {
        all.close();
    }
}
