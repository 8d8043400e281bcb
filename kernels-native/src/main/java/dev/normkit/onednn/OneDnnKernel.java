package dev.normkit.onednn;

import dev.normkit.Kernel;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import dev.normkit.onednn.dnnl.DnnlStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What every onednn kernel has: its own stream, the primitives and native buffers it created (released together by
 * {@link #close()}), and the OpenMP thread count it applies before creating primitives and before each run. The
 * primitives hold the arguments of the current run, and the staging buffers for heap arguments (allocated on the
 * first heap argument, {@link StagingBuffer}) are shared by the kernel's primitives, so subclasses' run methods and
 * {@link #close()} hold the kernel's lock ({@code synchronized}): concurrent calls are safe and run one at a time.
 */
abstract class OneDnnKernel implements Kernel {

    /** oneDNN's JIT code loads whole cache lines; aligned staging buffers avoid split loads. */
    private static final long ALIGNMENT = 64;

    private final NativeResources resources = new NativeResources();
    private final OneDnnThreads threads;
    private final Arena buffers;
    /** The stream this kernel's primitives run on. */
    final DnnlStream stream;
    private boolean closed;
    private long stagingBytes;

    OneDnnKernel(DnnlEngine engine, OneDnnThreads threads) {
        this.threads = threads;
        threads.apply(); // before any primitive exists: oneDNN partitions work for the count it sees at creation
        try {
            buffers = resources.add(Arena.ofShared()); // shared: a kernel may run on another thread than its creator
            stream = resources.add(DnnlStream.create(engine));
        } catch (RuntimeException e) {
            throw closeAfterFailure(e);
        }
    }

    /** A kernel-owned native buffer of {@code count} floats, released by {@link #close()}. */
    final MemorySegment floats(long count) {
        return buffers.allocate(count * Float.BYTES, ALIGNMENT);
    }

    /**
     * A staging buffer of {@code count} floats for heap arguments, allocated on the first heap argument that needs it
     * ({@link StagingBuffer}).
     */
    final StagingBuffer staging(long count) {
        return new StagingBuffer(this, count);
    }

    /** Allocates a staging buffer's memory, and counts it. */
    final MemorySegment allocateStaging(long count) {
        MemorySegment segment = floats(count);
        stagingBytes += segment.byteSize();
        return segment;
    }

    /**
     * Bytes of native memory this kernel holds to stage heap arguments: zero until one arrives, then the buffers the
     * heap arguments so far have needed. For tests and diagnostics.
     */
    final long stagingBytes() {
        return stagingBytes;
    }

    /** Creates a primitive owned by this kernel. */
    final StagedPrimitive primitive(DnnlPrimitiveDesc pd) {
        return resources.add(StagedPrimitive.create(pd));
    }

    /**
     * Starts a run, after its arguments were checked: refuses a closed kernel, then sets this thread's OpenMP count
     * (libgomp keeps it per thread, and the caller's thread may differ from the creator's).
     */
    final void begin() {
        if (closed) {
            throw new IllegalStateException(desc().kernelName() + " kernel on the onednn path is closed");
        }
        threads.apply();
    }

    /** Releases what a constructor created before {@code failure}; returns it to rethrow. */
    final RuntimeException closeAfterFailure(RuntimeException failure) {
        try {
            resources.close();
        } catch (RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
        return failure;
    }

    @Override
    public final String path() {
        return OneDnnBackend.NAME;
    }

    /** Releases the primitives, the stream and the buffers. Closing twice is harmless; running after is an error. */
    @Override
    public final synchronized void close() {
        if (!closed) {
            closed = true;
            resources.close();
        }
    }
}
