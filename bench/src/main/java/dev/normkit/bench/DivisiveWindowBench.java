package dev.normkit.bench;

import dev.normkit.Backends;
import dev.normkit.ChannelLayout;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.DivisiveNormKernel;
import dev.normkit.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
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
 * divisive_norm across a channel window, which {@link KernelBench} cannot reach ({@code KernelId}'s descriptor is the
 * last-axes form): one call per operation on native segments of N(0, 1) data, ns/op. Run with JMH's runner, e.g.
 * {@code org.openjdk.jmh.Main DivisiveWindowBench -p path=scalar,vector -p layout=nchw,nhwc}, and {@link CopyRoofBench}
 * with the same element count in the same run for the roof. Bytes per call as {@link BytesModel}'s p-norm model:
 * forward src + dst, backward src + diffDst + diffSrc (+ 4 for diffGain).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.ADD_MODULES, BenchJvm.VECTOR_MODULE, BenchJvm.NATIVE_ACCESS,
        BenchJvm.ALLOW_UNSAFE, BenchJvm.FOREGROUND_COMPILE})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DivisiveWindowBench {

    @Param({"vector"})
    public String path;

    @Param({"forward", "backward"})
    public String direction;

    /** nchw, or nhwc: the same N, C, H, W stored channels last. */
    @Param({"nchw"})
    public String layout;

    /** N x C x H x W (AlexNet's first LRN has 96 channels of 55 x 55). */
    @Param({"8x96x55x55"})
    public String shape;

    @Param({"5"})
    public long size;

    @Param({"2"})
    public float p;

    private Arena arena;
    private DivisiveNormKernel kernel;
    private MemorySegment src;
    private MemorySegment other;
    private MemorySegment out;
    private MemorySegment gain;

    @Setup(Level.Trial)
    public void setUp() {
        LibraryLog.quiet();
        Shape nchw = Shape.parse(shape);
        boolean last = layout.equals("nhwc");
        Shape s = last ? Shape.of(nchw.dim(0), nchw.dim(2), nchw.dim(3), nchw.dim(1)) : nchw;
        DivisiveNormDesc d = DivisiveNormDesc.acrossChannels(s, last ? ChannelLayout.NHWC : ChannelLayout.NCHW, size)
                .withP(p);
        kernel = Backends.get(path).create(d);
        if (!kernel.path().equals(path)) throw new IllegalStateException("ran on " + kernel.path() + ", not " + path);
        arena = Arena.ofShared();
        long n = s.elementCount();
        src = normal(n, 1);
        other = normal(n, 2);
        out = arena.allocate(n * Float.BYTES, 64);
        gain = arena.allocate(Float.BYTES, 64);
        System.out.println("normkit-bench: measuring divisive_norm across channels " + direction + " " + s + " "
                + layout + " size=" + size + " p=" + p + " on " + kernel.path());
        Hardware.reportFromFork();
    }

    private MemorySegment normal(long n, long seed) {
        MemorySegment m = arena.allocate(n * Float.BYTES, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
        return m;
    }

    @Benchmark
    public void run() {
        if (direction.equals("forward")) kernel.forward(src, out);
        else kernel.backward(src, other, out, gain);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernel.close();
        arena.close();
    }
}
