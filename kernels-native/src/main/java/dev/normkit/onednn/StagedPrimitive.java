package dev.normkit.onednn;

import dev.normkit.onednn.dnnl.DnnlMemory;
import dev.normkit.onednn.dnnl.DnnlPrimitive;
import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import dev.normkit.onednn.dnnl.DnnlStream;
import dev.normkit.onednn.dnnl.ExecArg;
import java.lang.foreign.MemorySegment;

/**
 * One oneDNN primitive of a kernel whose arguments take the caller's segments on each run. oneDNN keeps raw
 * addresses, which only native memory has: a native segment is used in place (zero-copy, its address becomes the data
 * handle), a heap segment goes through a native staging buffer of the kernel (inputs are copied in before execution,
 * outputs copied out after), allocated the first time a heap segment needs it ({@link StagingBuffer}). After that
 * first heap call running allocates nothing; re-using the same address costs no native call, so heap arguments, which
 * always use their staging buffer, cost only the copy.
 *
 * <p>The kernel chooses the staging buffers and may share one between primitives that never run together, but never
 * between two arguments of one primitive. Callers' sizes are checked (by {@code KernelArgs}) before any method here.
 */
final class StagedPrimitive implements AutoCloseable {

    private static final int ARGS = ExecArg.values().length;

    private final DnnlPrimitive primitive;
    private final DnnlMemory[] memories = new DnnlMemory[ARGS];
    private final StagingBuffer[] staging = new StagingBuffer[ARGS];
    /** Heap outputs of the current run, copied out of their staging buffer after execution. */
    private final MemorySegment[] copyOutFrom = new MemorySegment[ARGS];
    private final MemorySegment[] copyOutTo = new MemorySegment[ARGS];
    private final long[] copyOutBytes = new long[ARGS];
    private int copyOuts;

    private StagedPrimitive(DnnlPrimitive primitive) {
        this.primitive = primitive;
    }

    /** Creates the primitive (oneDNN generates its code now). */
    static StagedPrimitive create(DnnlPrimitiveDesc pd) {
        return new StagedPrimitive(DnnlPrimitive.create(pd));
    }

    /**
     * Binds {@code arg}, which callers provide on each run, with {@code buffer} as its staging buffer for heap
     * segments.
     *
     * @throws IllegalStateException when oneDNN's descriptor for {@code arg} is not {@code floats} dense floats (the
     *     size callers are checked against) or the buffer is smaller
     */
    void stage(ExecArg arg, long floats, StagingBuffer buffer) {
        staging[arg.ordinal()] = buffer;
        memories[arg.ordinal()] = bind(arg, floats, buffer.floats() * Float.BYTES);
    }

    /** Binds {@code arg} once and for all to {@code buffer}, a kernel-owned native buffer of {@code floats} floats. */
    void fix(ExecArg arg, long floats, MemorySegment buffer) {
        bind(arg, floats, buffer.byteSize()).setData(buffer);
    }

    private DnnlMemory bind(ExecArg arg, long floats, long bufferBytes) {
        DnnlMemory memory = primitive.bind(arg);
        long bytes = floats * Float.BYTES;
        if (memory.byteSize() != bytes || bufferBytes < bytes) {
            throw new IllegalStateException(arg + ": oneDNN expects " + memory.byteSize() + " bytes, the kernel "
                    + bytes + " (buffer " + bufferBytes + " bytes)");
        }
        return memory;
    }

    /** Points a staged argument at an input segment, copying it into the staging buffer if it is on the heap. */
    void input(ExecArg arg, MemorySegment segment) {
        DnnlMemory memory = memories[arg.ordinal()];
        if (segment.isNative()) {
            memory.setData(segment);
        } else {
            MemorySegment buffer = staging[arg.ordinal()].segment();
            MemorySegment.copy(segment, 0, buffer, 0, memory.byteSize());
            memory.setData(buffer);
        }
    }

    /** Points a staged argument at an output segment; a heap one is filled from the staging buffer after execution. */
    void output(ExecArg arg, MemorySegment segment) {
        DnnlMemory memory = memories[arg.ordinal()];
        if (segment.isNative()) {
            memory.setData(segment);
        } else {
            MemorySegment buffer = staging[arg.ordinal()].segment();
            memory.setData(buffer);
            copyOutFrom[copyOuts] = buffer;
            copyOutTo[copyOuts] = segment;
            copyOutBytes[copyOuts++] = memory.byteSize();
        }
    }

    /** Executes, waits, then copies heap outputs out of their staging buffers. */
    void execute(DnnlStream stream) {
        run(stream);
        copyOut();
    }

    /**
     * Executes and waits, leaving heap outputs in their staging buffers until {@link #copyOut()}, so that a kernel can
     * work on what oneDNN wrote while it is still in native memory ({@link #data}).
     */
    void run(DnnlStream stream) {
        try {
            primitive.execute(stream);
        } catch (RuntimeException e) {
            forgetCopyOuts();
            throw e;
        }
    }

    /** Copies this run's heap outputs out of their staging buffers. */
    void copyOut() {
        try {
            for (int i = 0; i < copyOuts; i++) {
                MemorySegment.copy(copyOutFrom[i], 0, copyOutTo[i], 0, copyOutBytes[i]);
            }
        } finally {
            forgetCopyOuts();
        }
    }

    private void forgetCopyOuts() {
        for (int i = 0; i < copyOuts; i++) {
            copyOutFrom[i] = null;
            copyOutTo[i] = null; // do not keep the caller's arrays reachable
        }
        copyOuts = 0;
    }

    /** The native memory {@code arg} is bound to for this run: the caller's native segment or the staging buffer. */
    MemorySegment data(ExecArg arg) {
        return memories[arg.ordinal()].data();
    }

    @Override
    public void close() {
        primitive.close();
    }
}
