package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;

/** Element types of oneDNN memory ({@code dnnl_data_type_t}) that normkit stores tensors in. */
public enum DataType {
    F32(4),
    BF16(2),
    F16(2);

    private final int byteSize;

    DataType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The {@code dnnl_data_type_t} value. */
    int value() {
        return switch (this) {
            case F32 -> Dnnl.dnnl_f32();
            case BF16 -> Dnnl.dnnl_bf16();
            case F16 -> Dnnl.dnnl_f16();
        };
    }
}
