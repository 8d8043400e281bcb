package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;
import java.lang.foreign.MemorySegment;

/**
 * An in-order oneDNN stream ({@code dnnl_stream_t}) on an engine: primitives execute on it. With the bundled OpenMP
 * build, execution on a CPU stream finishes before {@code dnnl_primitive_execute} returns, and {@link #await()} is
 * cheap; it is still called after every execution, as the API requires. Not thread-safe: one stream per thread.
 */
public final class DnnlStream implements AutoCloseable {

    private final DnnlEngine engine;
    private MemorySegment handle;

    private DnnlStream(DnnlEngine engine, MemorySegment handle) {
        this.engine = engine;
        this.handle = handle;
    }

    /**
     * Creates a stream on {@code engine}.
     *
     * @throws DnnlException when oneDNN cannot create it
     */
    public static DnnlStream create(DnnlEngine engine) {
        MemorySegment engineHandle = engine.retain();
        try {
            return new DnnlStream(engine, NativeCalls.create("dnnl_stream_create", "",
                    out -> Dnnl.dnnl_stream_create(out, engineHandle, Dnnl.dnnl_stream_default_flags())));
        } catch (RuntimeException e) {
            engine.release();
            throw e;
        }
    }

    /** Waits until everything submitted to this stream has finished. */
    public void await() {
        DnnlException.check(Dnnl.dnnl_stream_wait(handle()), "dnnl_stream_wait");
    }

    MemorySegment handle() {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("DnnlStream is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            int status = Dnnl.dnnl_stream_destroy(handle);
            handle = MemorySegment.NULL;
            engine.release();
            DnnlException.check(status, "dnnl_stream_destroy");
        }
    }
}
