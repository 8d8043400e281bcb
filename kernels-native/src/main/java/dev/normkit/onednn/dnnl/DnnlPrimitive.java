package dev.normkit.onednn.dnnl;

import dev.normkit.bindings.dnnl.Dnnl;
import dev.normkit.bindings.dnnl.dnnl_exec_arg_t;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A oneDNN primitive ({@code dnnl_primitive_t}): the compiled operation, executed any number of times.
 *
 * <pre>{@code
 * try (DnnlPrimitive relu = DnnlPrimitive.create(pd)) {
 *     DnnlMemory src = relu.bind(ExecArg.SRC), dst = relu.bind(ExecArg.DST);
 *     src.setData(in);               // native segments, at least src.byteSize() bytes
 *     dst.setData(out);
 *     relu.execute(stream);          // runs and waits
 * }
 * }</pre>
 *
 * <p>Each argument's memory object is made from the descriptor the primitive reports for it, never from a caller's
 * descriptor ({@code dnnl_primitive_execute} does not check that they match). {@link #execute} refuses to run while a
 * bound argument has no data (oneDNN would dereference a null handle); a needed argument left unbound is reported by
 * oneDNN as {@code invalid_arguments}. The scratchpad is allocated here, once, and bound automatically. Executing
 * allocates nothing: the argument array is built once and data handles are updated in place.
 *
 * <p>Not thread-safe: one primitive object per thread (oneDNN itself allows concurrent execution of one primitive with
 * distinct arguments, but this object holds the arguments). Closing releases the memory objects, the scratchpad and
 * the primitive; closing twice is harmless.
 */
public final class DnnlPrimitive implements AutoCloseable {

    private static final int MAX_ARGS = ExecArg.values().length;

    private final DnnlEngine engine;
    private final MemorySegment engineHandle;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment execArgs;
    private final DnnlMemory[] memories = new DnnlMemory[MAX_ARGS];
    /** Arguments oneDNN reports a descriptor for, with their byte sizes. */
    private final Map<ExecArg, Long> accepted = new EnumMap<>(ExecArg.class);
    private final Set<ExecArg> bound = EnumSet.noneOf(ExecArg.class);
    private MemorySegment handle;
    private int nargs;

    private DnnlPrimitive(DnnlEngine engine, MemorySegment engineHandle, MemorySegment handle) {
        this.engine = engine;
        this.engineHandle = engineHandle;
        this.handle = handle;
        this.execArgs = dnnl_exec_arg_t.allocateArray(MAX_ARGS, arena);
    }

    /**
     * Creates the primitive (this is when oneDNN generates its JIT code). The descriptor may be closed afterwards.
     *
     * @throws DnnlException when oneDNN cannot create it
     */
    public static DnnlPrimitive create(DnnlPrimitiveDesc pd) {
        Objects.requireNonNull(pd, "pd");
        MemorySegment pdHandle = pd.handle();
        DnnlEngine engine = pd.engine();
        MemorySegment engineHandle = engine.retain();
        DnnlPrimitive primitive;
        try {
            primitive = new DnnlPrimitive(engine, engineHandle,
                    NativeCalls.create("dnnl_primitive_create", "", out -> Dnnl.dnnl_primitive_create(out, pdHandle)));
        } catch (RuntimeException e) {
            engine.release();
            throw e;
        }
        try {
            primitive.describeArguments(pdHandle);
            return primitive;
        } catch (RuntimeException e) {
            primitive.close();
            throw e;
        }
    }

    /** Records which arguments the primitive accepts, and binds a scratchpad when it needs one. */
    private void describeArguments(MemorySegment pd) {
        for (ExecArg arg : ExecArg.values()) {
            MemorySegment md = DnnlPrimitiveDesc.argMd(pd, arg);
            if (!md.equals(MemorySegment.NULL)) {
                accepted.put(arg, Dnnl.dnnl_memory_desc_get_size(md));
            }
        }
        Long scratchpad = accepted.get(ExecArg.SCRATCHPAD);
        if (scratchpad != null && scratchpad > 0) {
            bind(ExecArg.SCRATCHPAD).setData(arena.allocate(scratchpad, 64));
        }
    }

    /**
     * The arguments this primitive accepts: those oneDNN reports a memory descriptor for, the scratchpad included
     * when there is one. oneDNN reports some it then ignores (SHIFT without {@link NormFlag#USE_SHIFT}, MEAN with
     * {@link NormFlag#RMS_NORM}); binding those is harmless.
     */
    public Set<ExecArg> arguments() {
        EnumSet<ExecArg> arguments = EnumSet.noneOf(ExecArg.class);
        arguments.addAll(accepted.keySet());
        return arguments;
    }

    /**
     * The memory object for {@code arg}, made from the descriptor this primitive expects; set its data before
     * executing. Owned by this primitive.
     *
     * @throws IllegalArgumentException when the primitive does not accept {@code arg}, or it is already bound
     */
    public DnnlMemory bind(ExecArg arg) {
        Objects.requireNonNull(arg, "arg");
        MemorySegment prim = handle();
        if (!accepted.containsKey(arg)) {
            throw new IllegalArgumentException("arg: this primitive accepts " + accepted.keySet() + ", not " + arg);
        }
        if (bound.contains(arg)) {
            throw new IllegalArgumentException("arg: " + arg + " is already bound");
        }
        MemorySegment pd = NativeCalls.create("dnnl_primitive_get_primitive_desc", "",
                out -> Dnnl.dnnl_primitive_get_primitive_desc(prim, out));
        MemorySegment md = DnnlPrimitiveDesc.argMd(pd, arg);
        MemorySegment memory = NativeCalls.create("dnnl_memory_create", String.valueOf(arg),
                out -> Dnnl.dnnl_memory_create(out, md, engineHandle, Dnnl.DNNL_MEMORY_NONE()));
        DnnlMemory result = new DnnlMemory(arg, accepted.get(arg), memory);
        MemorySegment slot = dnnl_exec_arg_t.asSlice(execArgs, nargs);
        dnnl_exec_arg_t.arg(slot, arg.id());
        dnnl_exec_arg_t.memory(slot, memory);
        memories[nargs++] = result;
        bound.add(arg);
        return result;
    }

    /**
     * Executes on {@code stream} and waits for completion.
     *
     * @throws IllegalStateException when a bound argument has no data or its segment's arena is closed
     * @throws DnnlException when oneDNN reports an error ({@code invalid_arguments} when a needed argument is not
     *     bound)
     */
    public void execute(DnnlStream stream) {
        MemorySegment prim = handle();
        MemorySegment s = stream.handle();
        for (int i = 0; i < nargs; i++) {
            memories[i].checkReady();
        }
        int status = Dnnl.dnnl_primitive_execute(prim, s, nargs, execArgs);
        if (status != Dnnl.dnnl_success()) {
            DnnlException.check(status, "dnnl_primitive_execute", "bound " + bound + " of " + accepted.keySet());
        }
        DnnlException.check(Dnnl.dnnl_stream_wait(s), "dnnl_stream_wait");
    }

    MemorySegment handle() {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("DnnlPrimitive is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle.equals(MemorySegment.NULL)) {
            return;
        }
        int status = Dnnl.dnnl_success();
        String failed = "";
        for (int i = 0; i < nargs; i++) {
            int s = memories[i].destroy();
            if (s != Dnnl.dnnl_success()) {
                status = s;
                failed = "dnnl_memory_destroy";
            }
        }
        int s = Dnnl.dnnl_primitive_destroy(handle);
        if (s != Dnnl.dnnl_success()) {
            status = s;
            failed = "dnnl_primitive_destroy";
        }
        handle = MemorySegment.NULL;
        arena.close();
        engine.release();
        DnnlException.check(status, failed);
    }
}
