package dev.normkit.bench;

import dev.normkit.Shape;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Does a kernel keep its speed in a JVM that calls it on both {@code float[]} and native segments, as an embedding
 * library will? The JIT profiles the memory accesses of the whole process, so a JVM that has seen both kinds may
 * compile every kernel loop for both, slower than for one (docs/vector-jit.md).
 *
 * <p>Each trial is one fork that measures one kind: {@link #nativeSegments} or {@link #heapArrays} (the
 * {@code float[]} overloads). With {@code seen=both}, set-up first calls the kernel on the two kinds in turn for
 * {@link #WARM_SECONDS}; with {@code seen=one}, on the measured kind only, for as long, so that fork never sees the
 * other kind. JMH's warm-up follows, on the measured kind. The kernel should run as fast in a JVM that has seen both
 * as in one that has seen one (each {@code both} result at least 0.9 of its {@code one} result), and as fast on
 * {@code float[]} as on native segments ({@code heapArrays} at least 0.9 of {@code nativeSegments}, both with
 * {@code seen=both}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_MODULES, BenchJvm.VECTOR_MODULE, BenchJvm.NATIVE_ACCESS,
        BenchJvm.ALLOW_UNSAFE, BenchJvm.FOREGROUND_COMPILE,
        OneDnnThreads.FORK_FLAG})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MixedMemoryBench {

    /** How long set-up calls the kernel before JMH's warm-up: long enough for every loop to be compiled. */
    public static final double WARM_SECONDS = 1;

    /** A {@link KernelId} label. */
    @Param({"layer_norm"})
    public String kernel;

    /** A {@link Direction} label the kernel has. */
    @Param({"forward"})
    public String direction;

    /** A path on native segments ({@code scalar}, {@code vector}, {@code onednn}); its {@code -array} twin is the heap. */
    @Param({"vector"})
    public String path;

    @Param({"64x1024"})
    public String shape;

    /** Which kinds of memory the fork calls the kernel on before measuring: {@code one} or {@code both}. */
    @Param({"one", "both"})
    public String seen;

    private Workload nativeArgs;
    private Workload heapArgs;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        LibraryLog.quiet();
        BenchPath onNative = BenchPath.byLabel(path);
        if (onNative.heapArrays()) {
            throw new IllegalArgumentException("path: expected a path on native segments, got " + path
                    + "; the benchmark calls its float[] twin itself");
        }
        boolean measureHeap = measuresHeap(params.getBenchmark());
        boolean both = switch (seen) {
            case "both" -> true;
            case "one" -> false;
            default -> throw new IllegalArgumentException("seen: expected one or both, got '" + seen + "'");
        };
        KernelId k = KernelId.byLabel(kernel);
        Direction d = Direction.byLabel(direction);
        Shape s = Shape.parse(shape);
        if (both || !measureHeap) nativeArgs = Workload.open(k, d, s, onNative);
        if (both || measureHeap) heapArgs = Workload.open(k, d, s, onNative.arrayPath());
        warm(nativeArgs, heapArgs);
        Workload measured = measureHeap ? heapArgs : nativeArgs;
        System.out.println("normkit-bench: measuring " + measured.describe() + " after calls on "
                + (both ? "float[] and native segments" : "this kind only"));
        Hardware.reportFromFork();
    }

    /** Whether the JMH benchmark named {@code benchmark} (class and method) measures {@link #heapArrays}. */
    public static boolean measuresHeap(String benchmark) {
        return benchmark.endsWith(".heapArrays");
    }

    /** Calls the workloads that are present in turn for {@link #WARM_SECONDS}, at least ten times each. */
    private static void warm(Workload a, Workload b) {
        long end = System.nanoTime() + (long) (WARM_SECONDS * 1e9);
        for (int calls = 0; calls < 10 || System.nanoTime() < end; calls++) {
            if (a != null) a.run();
            if (b != null) b.run();
        }
    }

    @Benchmark
    public void nativeSegments() {
        nativeArgs.run();
    }

    @Benchmark
    public void heapArrays() {
        heapArgs.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (nativeArgs != null) nativeArgs.close();
        if (heapArgs != null) heapArgs.close();
    }
}
