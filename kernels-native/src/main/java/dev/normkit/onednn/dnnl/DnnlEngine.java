package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.dnnl.Dnnl;
import java.lang.foreign.MemorySegment;

/**
 * A oneDNN CPU engine ({@code dnnl_engine_t}, kind cpu, index 0): the root every stream, primitive descriptor and
 * primitive is created from. Creating one loads oneDNN first ({@link OneDnnLibrary#require()}).
 *
 * <p>The native engine lives until this object and everything created from it are closed: {@link #close()} while
 * streams, primitive descriptors or primitives are open only drops this object's reference, so closing in any order is
 * safe. Closing twice is harmless.
 */
public final class DnnlEngine implements AutoCloseable {

    private MemorySegment handle;
    private int references = 1;
    private boolean closed;

    private DnnlEngine(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * Creates the CPU engine.
     *
     * @throws IllegalStateException when oneDNN is unavailable (the message says why)
     * @throws DnnlException when oneDNN cannot create it
     */
    public static DnnlEngine cpu() {
        OneDnnLibrary.require();
        long count = Dnnl.dnnl_engine_get_count(Dnnl.dnnl_cpu());
        if (count < 1) {
            throw new IllegalStateException("oneDNN reports no CPU engine (dnnl_engine_get_count(cpu) = " + count + ")");
        }
        return new DnnlEngine(NativeCalls.create("dnnl_engine_create", "cpu engine 0",
                out -> Dnnl.dnnl_engine_create(out, Dnnl.dnnl_cpu(), 0L)));
    }

    /** The native handle. */
    synchronized MemorySegment handle() {
        if (closed) {
            throw new IllegalStateException("DnnlEngine is closed");
        }
        return handle;
    }

    /** Keeps the native engine alive for an object created from it; pair with {@link #release()}. */
    synchronized MemorySegment retain() {
        MemorySegment h = handle();
        references++;
        return h;
    }

    /** Drops one reference; the last one destroys the native engine. */
    synchronized void release() {
        if (--references == 0) {
            int status = Dnnl.dnnl_engine_destroy(handle);
            handle = MemorySegment.NULL;
            DnnlException.check(status, "dnnl_engine_destroy");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }
}
