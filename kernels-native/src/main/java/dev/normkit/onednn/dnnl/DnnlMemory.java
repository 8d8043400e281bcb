package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A oneDNN memory object ({@code dnnl_memory_t}) for one argument of one {@link DnnlPrimitive}, created from the
 * descriptor the primitive expects and owned by it (closed with it). It holds no buffer of its own: {@link #setData}
 * points it at a caller's native segment, zero-copy, so the kernel reads and writes the caller's memory directly.
 *
 * <p>The segment must stay alive until the primitive has executed with it (or another segment is set): the primitive
 * refuses to execute when a segment's arena has been closed, but cannot stop an arena from being closed by another
 * thread during execution.
 */
public final class DnnlMemory {

    private final ExecArg arg;
    private final long byteSize;
    private MemorySegment handle;
    private MemorySegment data;

    DnnlMemory(ExecArg arg, long byteSize, MemorySegment handle) {
        this.arg = arg;
        this.byteSize = byteSize;
        this.handle = handle;
    }

    /** The argument this memory is bound to. */
    public ExecArg arg() {
        return arg;
    }

    /** The bytes the primitive reads or writes through this argument. */
    public long byteSize() {
        return byteSize;
    }

    /**
     * Points this argument at {@code segment} (zero-copy: its address becomes the data handle). Setting the same
     * address again costs no native call.
     *
     * @throws IllegalArgumentException when the segment is on the heap or smaller than {@link #byteSize()}
     * @throws IllegalStateException when the primitive is closed
     */
    public void setData(MemorySegment segment) {
        Objects.requireNonNull(segment, arg.name());
        if (!segment.isNative()) {
            throw new IllegalArgumentException(arg + ": expected a native segment (oneDNN keeps its address), got a "
                    + "heap segment");
        }
        if (segment.byteSize() < byteSize) {
            throw new IllegalArgumentException(arg + ": expected at least " + byteSize + " bytes, got "
                    + segment.byteSize());
        }
        MemorySegment h = handle();
        if (data == null || data.address() != segment.address()) {
            DnnlException.check(Dnnl.dnnl_memory_set_data_handle(h, segment), "dnnl_memory_set_data_handle",
                    String.valueOf(arg));
        }
        data = segment;
    }

    /** The segment last set, or null. */
    public MemorySegment data() {
        return data;
    }

    /** Checks that the primitive may execute with this argument now. */
    void checkReady() {
        if (data == null) {
            throw new IllegalStateException(arg + ": no data set (call setData before execute)");
        }
        if (!data.scope().isAlive()) {
            throw new IllegalStateException(arg + ": the segment's arena is closed");
        }
    }

    MemorySegment handle() {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException(arg + ": the primitive is closed");
        }
        return handle;
    }

    /** Destroys the native memory object; returns its status. */
    int destroy() {
        if (handle.equals(MemorySegment.NULL)) {
            return Dnnl.dnnl_success();
        }
        int status = Dnnl.dnnl_memory_destroy(handle);
        handle = MemorySegment.NULL;
        data = null;
        return status;
    }
}
