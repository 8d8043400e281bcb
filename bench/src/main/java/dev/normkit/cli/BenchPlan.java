package dev.normkit.cli;

import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import dev.normkit.Support;
import dev.normkit.bench.BenchPath;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Which benchmarks a run measures: every selected kernel direction on every selected shape and path that can run it,
 * plus the copy roof on each shape. What cannot run is listed with the reason instead of failing inside a fork.
 */
final class BenchPlan {

    /**
     * One JMH run: a kernel direction on one shape stored in {@code layout} ({@link KernelId#desc(Shape,
     * ChannelLayout)}), on each of {@code paths}, one call on {@code threads} threads.
     */
    record Run(KernelId kernel, Direction direction, Shape shape, List<BenchPath> paths, int threads,
            ChannelLayout layout) {
        Run(KernelId kernel, Direction direction, Shape shape, List<BenchPath> paths, int threads) {
            this(kernel, direction, shape, paths, threads, ChannelLayout.NCHW);
        }
    }

    /** A path that runs here but not this kernel on this shape. */
    record Unsupported(KernelId kernel, Direction direction, Shape shape, BenchPath path, String reason,
            ChannelLayout layout) {}

    private final List<Run> runs = new ArrayList<>();
    private final List<Unsupported> unsupported = new ArrayList<>();
    private final Map<BenchPath, String> unavailable = new LinkedHashMap<>();
    private final LinkedHashSet<Shape> copyShapes = new LinkedHashSet<>();

    private BenchPlan() {}

    /**
     * @param directions the directions to measure; empty means each kernel's all
     * @param shapes     the shapes for each kernel
     */
    static BenchPlan of(List<KernelId> kernels, List<Direction> directions, List<BenchPath> paths,
            Function<KernelId, List<Shape>> shapes, PathProbe probe) {
        return of(kernels, directions, paths, shapes, (k, s) -> List.of(1), probe);
    }

    /**
     * As above, each kernel and shape measured with one call on each of {@code threads.apply(kernel, shape)} threads.
     */
    static BenchPlan of(List<KernelId> kernels, List<Direction> directions, List<BenchPath> paths,
            Function<KernelId, List<Shape>> shapes, BiFunction<KernelId, Shape, List<Integer>> threads,
            PathProbe probe) {
        return of(kernels, directions, paths, shapes, threads, List.of(ChannelLayout.NCHW), probe);
    }

    /**
     * As above, a channel kernel ({@link KernelId#hasChannelLayout()}) on a shape N x C x spatial measured in each of
     * {@code layouts} in turn; every other kernel and shape once, as given (NCHW).
     */
    static BenchPlan of(List<KernelId> kernels, List<Direction> directions, List<BenchPath> paths,
            Function<KernelId, List<Shape>> shapes, BiFunction<KernelId, Shape, List<Integer>> threads,
            List<ChannelLayout> layouts, PathProbe probe) {
        BenchPlan plan = new BenchPlan();
        List<BenchPath> runnable = new ArrayList<>();
        for (BenchPath p : paths) {
            String reason = probe.unavailableReason(p);
            if (reason == null) {
                runnable.add(p);
            } else {
                plan.unavailable.put(p, reason);
            }
        }
        for (KernelId k : kernels) {
            for (Direction d : k.directions()) {
                if (!directions.isEmpty() && !directions.contains(d)) continue;
                for (Shape s : shapes.apply(k)) {
                    for (ChannelLayout layout : layoutsOf(k, s, layouts)) {
                        List<BenchPath> ok = new ArrayList<>();
                        for (BenchPath p : runnable) {
                            Support support = probe.support(p, k.desc(s, layout));
                            if (support.supported()) {
                                ok.add(p);
                            } else {
                                plan.unsupported.add(new Unsupported(k, d, s, p, support.reason(), layout));
                            }
                        }
                        if (!ok.isEmpty()) {
                            for (int t : threads.apply(k, s)) {
                                plan.runs.add(new Run(k, d, s, List.copyOf(ok), t, layout));
                            }
                            plan.copyShapes.add(s);
                        }
                    }
                }
            }
        }
        return plan;
    }

    /** The layouts kernel k runs shape s in: the requested ones for a channel kernel on N x C x spatial, else NCHW. */
    private static List<ChannelLayout> layoutsOf(KernelId k, Shape s, List<ChannelLayout> layouts) {
        return k.hasChannelLayout() && ChannelLayout.NHWC.accepts(s.rank()) ? layouts : List.of(ChannelLayout.NCHW);
    }

    List<Run> runs() {
        return List.copyOf(runs);
    }

    List<Unsupported> unsupported() {
        return List.copyOf(unsupported);
    }

    /** Requested paths that cannot run here, with the reason. */
    Map<BenchPath, String> unavailable() {
        return Collections.unmodifiableMap(unavailable);
    }

    /** The shapes the copy roof is measured on: every shape a kernel is measured on. */
    List<Shape> copyShapes() {
        return List.copyOf(copyShapes);
    }

    /** Number of JMH benchmarks (each with its own forks): kernel runs on each path, plus the copies. */
    int benchmarkCount() {
        int n = copyShapes.size();
        for (Run r : runs) n += r.paths().size();
        return n;
    }

    /** Lines saying what is skipped and why; empty when nothing is. */
    String skippedText() {
        StringBuilder b = new StringBuilder();
        unavailable.forEach((p, reason) -> b.append("skipped path ").append(p).append(": unavailable here: ")
                .append(reason).append('\n'));
        for (Unsupported u : unsupported) {
            b.append("skipped ").append(u.kernel()).append(' ').append(u.direction()).append(' ').append(u.shape())
                    .append(u.layout() == ChannelLayout.NHWC ? " nhwc" : "").append(" on ").append(u.path()).append(": ").append(u.reason()).append('\n');
        }
        return b.toString();
    }
}
