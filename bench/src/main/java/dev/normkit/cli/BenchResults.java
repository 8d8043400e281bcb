package dev.normkit.cli;

import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import dev.normkit.bench.BenchPath;
import dev.normkit.bench.BytesModel;
import dev.normkit.bench.MixedMemoryBench;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns JMH's results of {@code KernelBench}, {@code CopyRoofBench} and {@code MixedMemoryBench} into
 * {@link BenchResult}s.
 */
final class BenchResults {
    private BenchResults() {}

    static boolean isCopy(BenchmarkParams p) {
        return p.getParam("kernel") == null;
    }

    static String label(BenchmarkParams p) {
        if (isCopy(p)) return "copy roof " + p.getParam("shape") + threads(p);
        String seen = p.getParam("seen");
        String layout = p.getParam("layout");
        return p.getParam("kernel") + " " + p.getParam("direction") + " " + p.getParam("shape")
                + (layout == null || layout.equals(layoutParam(ChannelLayout.NCHW)) ? "" : " " + layout) + " on " + path(p)
                + (seen == null ? "" : ", JVM has seen " + (seen.equals("both") ? "both kinds" : "this kind only"))
                + threads(p);
    }

    /** The path measured: {@code MixedMemoryBench}'s heap method measures its path's {@code float[]} twin. */
    private static String path(BenchmarkParams p) {
        String path = p.getParam("path");
        return MixedMemoryBench.measuresHeap(p.getBenchmark()) ? BenchPath.byLabel(path).arrayPath().label() : path;
    }

    /** The result of a whole run: every fork pooled, as JMH scores it, and each fork's own score. */
    static BenchResult from(RunResult run) {
        BenchResult pooled = from(run.getParams(), run.getPrimaryResult());
        List<Double> forks = new ArrayList<>();
        for (BenchmarkResult fork : run.getBenchmarkResults()) forks.add(fork.getPrimaryResult().getScore());
        return new BenchResult(pooled.kernel(), pooled.direction(), pooled.shape(), pooled.path(), pooled.threads(),
                pooled.callers(), pooled.nsPerOp(), pooled.errorNs(), pooled.bytesPerOp(), forks, pooled.layout());
    }

    static BenchResult from(BenchmarkParams p, Result<?> primary) {
        if (!"ns/op".equals(primary.getScoreUnit())) {
            throw new IllegalStateException("score unit: expected ns/op, got " + primary.getScoreUnit());
        }
        Shape shape = Shape.parse(p.getParam("shape"));
        if (isCopy(p)) {
            return new BenchResult(BenchResult.COPY, "forward", shape, "vector", 1, p.getThreads(), primary.getScore(),
                    primary.getScoreError(), BytesModel.copyBytes(shape));
        }
        KernelId kernel = KernelId.byLabel(p.getParam("kernel"));
        Direction direction = Direction.byLabel(p.getParam("direction"));
        String layout = p.getParam("layout");
        return new BenchResult(kernel.label(), direction.label(), shape, path(p), threadsPerCall(p), p.getThreads(),
                primary.getScore(), primary.getScoreError(), BytesModel.bytes(kernel, direction, shape), List.of(),
                layoutLabel(kernel, shape, layout == null ? ChannelLayout.NCHW : ChannelLayout.valueOf(
                        layout.toUpperCase(Locale.ROOT))));
    }

    /** {@code KernelBench}'s layout parameter for a layout: its name in lower case. */
    static String layoutParam(ChannelLayout layout) {
        return layout.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The layout a result records: where the kernel's descriptor puts the channel axis ({@code nchw}, {@code nhwc},
     * {@code nc}), or null for a kernel without one.
     */
    static String layoutLabel(KernelId kernel, Shape shape, ChannelLayout requested) {
        ChannelLayout l = KernelId.layoutOf(kernel.desc(shape, requested));
        return l == null ? null : layoutParam(l);
    }

    /** {@code KernelBench}'s threads per call; 1 where the benchmark has no such parameter. */
    private static int threadsPerCall(BenchmarkParams p) {
        String t = p.getParam("threads");
        return t == null ? 1 : Integer.parseInt(t);
    }

    private static String threads(BenchmarkParams p) {
        int perCall = threadsPerCall(p);
        return (perCall == 1 ? "" : ", one call on " + perCall + " threads")
                + (p.getThreads() == 1 ? "" : " x " + p.getThreads() + " callers");
    }
}
