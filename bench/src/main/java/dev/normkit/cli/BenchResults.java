package dev.normkit.cli;

import dev.normkit.Shape;
import dev.normkit.bench.BytesModel;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;

/** Turns JMH's results of {@code KernelBench} and {@code CopyRoofBench} into {@link BenchResult}s. */
final class BenchResults {
    private BenchResults() {}

    static boolean isCopy(BenchmarkParams p) {
        return p.getParam("kernel") == null;
    }

    static String label(BenchmarkParams p) {
        if (isCopy(p)) return "copy roof " + p.getParam("shape") + threads(p);
        return p.getParam("kernel") + " " + p.getParam("direction") + " " + p.getParam("shape") + " on "
                + p.getParam("path") + threads(p);
    }

    static BenchResult from(BenchmarkParams p, Result<?> primary) {
        if (!"ns/op".equals(primary.getScoreUnit())) {
            throw new IllegalStateException("score unit: expected ns/op, got " + primary.getScoreUnit());
        }
        Shape shape = Shape.parse(p.getParam("shape"));
        if (isCopy(p)) {
            return new BenchResult(BenchResult.COPY, "forward", shape, "vector", p.getThreads(), primary.getScore(),
                    primary.getScoreError(), BytesModel.copyBytes(shape));
        }
        KernelId kernel = KernelId.byLabel(p.getParam("kernel"));
        Direction direction = Direction.byLabel(p.getParam("direction"));
        return new BenchResult(kernel.label(), direction.label(), shape, p.getParam("path"), p.getThreads(),
                primary.getScore(), primary.getScoreError(), BytesModel.bytes(kernel, direction, shape));
    }

    private static String threads(BenchmarkParams p) {
        return p.getThreads() == 1 ? "" : " x " + p.getThreads() + " threads";
    }
}
