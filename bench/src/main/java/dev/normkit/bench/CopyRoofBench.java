package dev.normkit.bench;

import dev.normkit.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
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
 * The copy roof ({@link CopyRoof}) on the kernels' shapes: {@code src} read, {@code dst} written, native segments.
 * GB/s = {@link BytesModel#copyBytes} / ns per op (times the JMH threads, the callers).
 * Single-threaded per call: a kernel call on several threads is compared with its own 1-thread result instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_MODULES, BenchJvm.VECTOR_MODULE, BenchJvm.NATIVE_ACCESS,
        BenchJvm.ALLOW_UNSAFE, BenchJvm.FOREGROUND_COMPILE,
        OneDnnThreads.FORK_FLAG})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CopyRoofBench {

    /** Arbitrary, not 1 and 0, so the loop cannot degenerate into a plain copy. */
    static final float A = 1.0009765625f;
    static final float B = -0.5f;

    @Param({"64x1024", "4096x1024", "16384x4096"})
    public String shape;

    private Arena arena;
    private Tensors tensors;
    private MemorySegment src;
    private MemorySegment dst;
    private long n;

    @Setup(Level.Trial)
    public void setUp() {
        LibraryLog.quiet();
        Shape s = Shape.parse(shape);
        List<TensorSpec> specs = BytesModel.copyTensors(s);
        arena = Arena.ofShared();
        tensors = Tensors.allocateNative(specs, arena);
        tensors.fillNormal("src", 1, z -> z);
        src = tensors.segment("src");
        dst = tensors.segment("dst");
        n = s.elementCount();
        System.out.println("normkit-bench: measuring copy roof " + s + " (Vector API, "
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit, native segments)");
        Hardware.reportFromFork();
    }

    @Benchmark
    public void copy() {
        CopyRoof.run(src, dst, n, A, B);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (arena != null) arena.close();
    }

    /** The tensors, for the benchmark's unit test. */
    Tensors tensors() {
        return tensors;
    }
}
