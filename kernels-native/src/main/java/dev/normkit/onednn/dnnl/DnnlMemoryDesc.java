package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.dnnl.Dnnl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A oneDNN memory descriptor ({@code dnnl_memory_desc_t}): dimensions, data type and layout of a tensor, no data.
 * Dimensions are logical and outermost first ({@code N, C, H, W} whatever the layout). Primitive descriptors copy the
 * descriptors they are created from, so a descriptor may be closed right after. Closing twice is harmless.
 */
public final class DnnlMemoryDesc implements AutoCloseable {

    private MemorySegment handle;

    private DnnlMemoryDesc(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * A dense descriptor in the layout {@code tag}.
     *
     * @param dims positive sizes, as many as {@code tag} has dimensions
     * @throws IllegalArgumentException naming the argument when a size is not positive or the counts differ
     * @throws IllegalStateException when oneDNN is unavailable
     */
    public static DnnlMemoryDesc of(DataType type, FormatTag tag, long... dims) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tag, "tag");
        checkDims(dims);
        if (dims.length != tag.ndims()) {
            throw new IllegalArgumentException("dims: format tag " + tag + " is " + tag.ndims() + "-D, got "
                    + dims.length + " dims " + Arrays.toString(dims));
        }
        OneDnnLibrary.require();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment d = NativeCalls.dims(arena, dims);
            return new DnnlMemoryDesc(NativeCalls.create("dnnl_memory_desc_create_with_tag",
                    type + " " + tag + " " + Arrays.toString(dims),
                    out -> Dnnl.dnnl_memory_desc_create_with_tag(out, dims.length, d, type.value(), tag.value())));
        }
    }

    /**
     * A descriptor with explicit strides (in elements) per dimension.
     *
     * @throws IllegalArgumentException naming the argument when a size is not positive, a stride is negative or the
     *     counts differ
     * @throws IllegalStateException when oneDNN is unavailable
     */
    public static DnnlMemoryDesc strided(DataType type, long[] dims, long[] strides) {
        Objects.requireNonNull(type, "type");
        checkDims(dims);
        Objects.requireNonNull(strides, "strides");
        if (strides.length != dims.length) {
            throw new IllegalArgumentException("strides: expected " + dims.length + " entries (one per dim), got "
                    + strides.length);
        }
        for (int i = 0; i < strides.length; i++) {
            if (strides[i] < 0) {
                throw new IllegalArgumentException("strides: entry " + i + " must be >= 0, got " + strides[i]);
            }
        }
        OneDnnLibrary.require();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment d = NativeCalls.dims(arena, dims);
            MemorySegment s = NativeCalls.dims(arena, strides);
            return new DnnlMemoryDesc(NativeCalls.create("dnnl_memory_desc_create_with_strides",
                    type + " " + Arrays.toString(dims) + " strides " + Arrays.toString(strides),
                    out -> Dnnl.dnnl_memory_desc_create_with_strides(out, dims.length, d, type.value(), s)));
        }
    }

    /** An owned copy of a descriptor that oneDNN owns (e.g. one returned by a primitive-descriptor query). */
    static DnnlMemoryDesc copyOf(MemorySegment borrowed) {
        return new DnnlMemoryDesc(NativeCalls.create("dnnl_memory_desc_clone", "",
                out -> Dnnl.dnnl_memory_desc_clone(out, borrowed)));
    }

    private static void checkDims(long[] dims) {
        Objects.requireNonNull(dims, "dims");
        if (dims.length < 1 || dims.length > 12) {
            throw new IllegalArgumentException("dims: expected 1..12 entries (DNNL_MAX_NDIMS), got " + dims.length);
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 1) {
                throw new IllegalArgumentException("dims: entry " + i + " must be positive, got " + dims[i] + " in "
                        + Arrays.toString(dims));
            }
        }
    }

    /** The number of dimensions. */
    public int ndims() {
        return ndims(handle());
    }

    /** The logical dimensions, outermost first. */
    public long[] dims() {
        MemorySegment md = handle();
        int n = ndims(md);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlException.check(Dnnl.dnnl_memory_desc_query(md, Dnnl.dnnl_query_dims(), out),
                    "dnnl_memory_desc_query", "dims");
            return out.get(ValueLayout.ADDRESS, 0).reinterpret(8L * n).toArray(ValueLayout.JAVA_LONG);
        }
    }

    /** The number of bytes a buffer for this descriptor needs. */
    public long byteSize() {
        return Dnnl.dnnl_memory_desc_get_size(handle());
    }

    /** True when both describe the same dimensions, data type and layout. */
    public boolean sameAs(DnnlMemoryDesc other) {
        return Dnnl.dnnl_memory_desc_equal(handle(), other.handle()) != 0;
    }

    static int ndims(MemorySegment md) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            DnnlException.check(Dnnl.dnnl_memory_desc_query(md, Dnnl.dnnl_query_ndims_s32(), out),
                    "dnnl_memory_desc_query", "ndims");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    MemorySegment handle() {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("DnnlMemoryDesc is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            int status = Dnnl.dnnl_memory_desc_destroy(handle);
            handle = MemorySegment.NULL;
            DnnlException.check(status, "dnnl_memory_desc_destroy");
        }
    }

    @Override
    public String toString() {
        return handle.equals(MemorySegment.NULL) ? "DnnlMemoryDesc[closed]"
                : "DnnlMemoryDesc" + Arrays.toString(dims()) + "[" + byteSize() + " bytes]";
    }
}
