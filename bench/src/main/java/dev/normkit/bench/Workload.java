package dev.normkit.bench;

import dev.normkit.Backend;
import dev.normkit.BackendUnavailableException;
import dev.normkit.ChannelLayout;
import dev.normkit.Backends;
import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import dev.normkit.Parallelism;
import dev.normkit.Shape;
import dev.normkit.Support;
import dev.normkit.UnsupportedKernelException;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kernel direction on one path and shape, ready to run: tensors allocated and filled once, the kernel created once
 * (for oneDNN: the primitive built), the call bound to its tensors. This is the body of every kernel benchmark, and
 * what the benchmark's unit test runs.
 */
public final class Workload implements AutoCloseable {

    private final KernelId kernel;
    private final Direction direction;
    private final Shape shape;
    private final BenchPath path;
    private final Arena arena;
    private final Tensors tensors;
    private final Kernel instance;
    private final Runnable call;
    private final Backend backend;
    private final ChannelLayout layout;

    private Workload(KernelId kernel, Direction direction, Shape shape, KernelDesc<?> desc, BenchPath path, Arena arena,
            Tensors tensors, Kernel instance, Backend backend) {
        this.backend = backend;
        this.layout = KernelId.layoutOf(desc);
        this.kernel = kernel;
        this.direction = direction;
        this.shape = shape;
        this.path = path;
        this.arena = arena;
        this.tensors = tensors;
        this.instance = instance;
        this.call = KernelCalls.bind(instance, direction, tensors, path.heapArrays());
    }

    /**
     * Prepares the workload.
     *
     * @throws BackendUnavailableException if the path cannot run here
     * @throws UnsupportedKernelException if the path does not run this kernel
     * @throws IllegalStateException if the kernel the path handed out runs on another path
     */
    public static Workload open(KernelId kernel, Direction direction, Shape shape, BenchPath path) {
        return open(kernel, direction, shape, path, 1);
    }

    /**
     * Prepares the workload with one call on {@code threads} threads ({@link Backend#parallel}; onednn: OpenMP
     * threads); 1 is the plain path.
     *
     * @throws IllegalStateException also when the onednn path would not run the OpenMP count asked for
     */
    public static Workload open(KernelId kernel, Direction direction, Shape shape, BenchPath path, int threads) {
        return open(kernel, direction, shape, path, threads, ChannelLayout.NCHW);
    }

    /**
     * As above, on the tensor stored in {@code layout} ({@link KernelId#desc(Shape, ChannelLayout)}: NCHW is the shape
     * as given; NHWC moves a channel kernel's C last).
     *
     * @throws IllegalArgumentException starting with "layout" if the kernel or shape has no such layout
     */
    public static Workload open(KernelId kernel, Direction direction, Shape shape, BenchPath path, int threads,
            ChannelLayout layout) {
        Backend plain = Backends.get(path.backend());
        Backend backend = threads == 1 ? plain : plain.parallel(Parallelism.threads(threads));
        KernelDesc<?> desc = kernel.desc(shape, layout);
        Support support = backend.support(desc);
        if (!support.supported()) {
            throw new UnsupportedKernelException(path.backend(), desc, support.reason());
        }
        List<TensorSpec> specs = BytesModel.tensors(desc, direction);
        Arena arena = path.heapArrays() ? null : Arena.ofShared();
        Kernel instance = null;
        try {
            Tensors tensors = arena == null ? Tensors.allocateHeap(specs) : Tensors.allocateNative(specs, arena);
            BenchInputs.fill(kernel, desc, tensors);
            if (path.backend().equals("onednn")) {
                OneDnnThreads.requireRunsWith(backend, threads);
            }
            instance = backend.create(desc);
            PathGuard.requireRanOn(path, instance);
            Workload w = new Workload(kernel, direction, shape, desc, path, arena, tensors, instance, backend);
            if (path.backend().equals("onednn")) {
                // The check call updates what a kernel updates in place (batch norm's running statistics): every
                // tensor is put back as it was, so the workload starts where the other paths' do.
                Map<String, float[]> before = new HashMap<>();
                for (TensorSpec spec : specs) before.put(spec.name(), tensors.read(spec.name()));
                w.run();
                OneDnnThreads.requireRan(threads);
                before.forEach((name, values) -> MemorySegment.copy(values, 0, tensors.segment(name),
                        ValueLayout.JAVA_FLOAT, 0, values.length));
            }
            return w;
        } catch (RuntimeException | Error e) {
            if (instance != null) instance.close();
            if (arena != null) arena.close();
            throw e;
        }
    }

    /** One call of the kernel direction on the prepared tensors. */
    public void run() {
        call.run();
    }

    /** The path the kernel reports running on; {@link #open} guarantees it is the one requested. */
    public String ranPath() {
        return instance.path();
    }

    /** What ran, for logs: the path, the backend's description and the problem. */
    public String describe() {
        return kernel + " " + direction + " " + shape + (layout == null ? "" : " " + layout) + " on " + path + " (kernel.path()=" + instance.path() + ", "
                + backend.description() + ")";
    }

    /** Bytes one {@link #run()} moves, by {@link BytesModel}. */
    public long bytesPerCall() {
        return BytesModel.bytes(kernel, direction, shape);
    }

    /** Copies of every output tensor after the last run, by argument name. */
    public Map<String, float[]> outputs() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (TensorSpec s : tensors.specs()) {
            if (s.role() == TensorSpec.Role.OUTPUT) out.put(s.name(), tensors.read(s.name()));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            instance.close();
        } finally {
            if (arena != null) arena.close();
        }
    }
}
