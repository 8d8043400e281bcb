package dev.normkit.bench;

import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.Locale;
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

/**
 * Every kernel direction on every path: one call per operation, ns/op. GB/s = {@link BytesModel#bytes} / ns per op
 * (times the JMH threads, the callers of {@code normkit bench --callers}). Each JMH thread has its own tensors and
 * kernel ({@link Scope#Thread}); {@link #threads} is the threads one call runs on.
 *
 * <p>Not every combination of the parameters exists ({@code softmax} has no {@code forward_training}, a path may not
 * run a kernel): such a trial fails in set-up with the reason and measures nothing. {@code normkit bench} plans only
 * combinations that exist and reports the rest as skipped, with the reason.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_MODULES, BenchJvm.VECTOR_MODULE, BenchJvm.NATIVE_ACCESS,
        BenchJvm.ALLOW_UNSAFE, BenchJvm.FOREGROUND_COMPILE,
        OneDnnThreads.FORK_FLAG})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class KernelBench {

    /** A {@link KernelId} label. */
    @Param({"layer_norm"})
    public String kernel;

    /** A {@link Direction} label the kernel has. */
    @Param({"forward"})
    public String direction;

    /** A {@link BenchPath} label. */
    @Param({"scalar", "scalar-array", "vector", "vector-array", "onednn", "onednn-array"})
    public String path;

    /** The data tensor's shape, rows x cols; the defaults are the L2, LLC and DRAM size classes. */
    @Param({"64x1024", "4096x1024", "16384x4096"})
    public String shape;

    /** Threads one call runs on ({@code Backend.parallel}; OpenMP threads on onednn); 1 is the plain path. */
    @Param({"1"})
    public int threads = 1;

    /**
     * Where a channel kernel's channel axis lies: {@code nchw} (the shape as given, the default) or {@code nhwc} (the
     * shape taken as N x C x spatial and stored channels last; {@code KernelId.desc(Shape, ChannelLayout)}).
     */
    @Param({"nchw"})
    public String layout = "nchw";

    private Workload workload;

    @Setup(Level.Trial)
    public void setUp() {
        LibraryLog.quiet();
        workload = Workload.open(KernelId.byLabel(kernel), Direction.byLabel(direction), Shape.parse(shape),
                BenchPath.byLabel(path), threads, ChannelLayout.valueOf(layout.toUpperCase(Locale.ROOT)));
        // Goes to the JMH host's output: the record of which path this fork actually measured, and on what hardware.
        System.out.println("normkit-bench: measuring " + workload.describe());
        Hardware.reportFromFork();
    }

    @Benchmark
    public void run() {
        workload.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (workload != null) workload.close();
    }

    /** The prepared workload, for the benchmark's unit test. */
    Workload workload() {
        return workload;
    }
}
