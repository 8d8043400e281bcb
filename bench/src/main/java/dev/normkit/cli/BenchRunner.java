package dev.normkit.cli;

import dev.normkit.Shape;
import dev.normkit.bench.BenchJvm;
import dev.normkit.bench.BenchPath;
import dev.normkit.bench.CopyRoofBench;
import dev.normkit.bench.Hardware;
import dev.normkit.bench.KernelBench;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a {@link BenchPlan} with JMH, one forked JVM per benchmark: the copy roof on every shape first, then each
 * kernel direction and shape on its paths. Results come back in that order; what failed is listed, never measured
 * as something else.
 */
final class BenchRunner {

    /**
     * The results, the benchmarks that were planned but produced none (they failed; the output says why), and the
     * hardware every fork that produced a result reported ({@code null} when none did).
     */
    record Outcome(List<BenchResult> results, List<String> failed, Hardware hardware) {}

    private BenchRunner() {}

    static Outcome run(BenchPlan plan, BenchSettings settings, PrintWriter out) throws RunnerException {
        ProgressFormat progress = new ProgressFormat(out, plan.benchmarkCount());
        List<BenchResult> results = new ArrayList<>();
        Set<String> measured = new HashSet<>();
        Set<Hardware> hardware = new HashSet<>();

        List<Shape> copyShapes = plan.copyShapes();
        if (!copyShapes.isEmpty()) {
            ChainedOptionsBuilder copy = options(CopyRoofBench.class, "copy", settings)
                    .param("shape", copyShapes.stream().map(Shape::toString).toArray(String[]::new));
            collect(new Runner(copy.build(), progress).run(), progress, results, measured, hardware);
        }
        for (BenchPlan.Run r : plan.runs()) {
            ChainedOptionsBuilder o = options(KernelBench.class, "run", settings)
                    .param("kernel", r.kernel().label())
                    .param("direction", r.direction().label())
                    .param("shape", r.shape().toString())
                    .param("threads", Integer.toString(r.threads()))
                    .param("layout", BenchResults.layoutParam(r.layout()))
                    .param("path", r.paths().stream().map(BenchPath::label).toArray(String[]::new));
            collect(new Runner(o.build(), progress).run(), progress, results, measured, hardware);
        }

        List<String> failed = new ArrayList<>();
        for (Shape s : copyShapes) {
            if (!measured.contains(key(BenchResult.COPY, "forward", s, "vector", 1, null))) failed.add("copy roof " + s);
        }
        for (BenchPlan.Run r : plan.runs()) {
            String layout = BenchResults.layoutLabel(r.kernel(), r.shape(), r.layout());
            for (BenchPath p : r.paths()) {
                if (!measured.contains(key(r.kernel().label(), r.direction().label(), r.shape(), p.label(),
                        r.threads(), layout))) {
                    failed.add(r.kernel() + " " + r.direction() + " " + r.shape() + (layout == null ? "" : " " + layout)
                            + " on " + p
                            + (r.threads() == 1 ? "" : ", one call on " + r.threads() + " threads"));
                }
            }
        }
        return new Outcome(List.copyOf(results), List.copyOf(failed), agreed(hardware));
    }

    /**
     * The one hardware all forks of a run reported, or null if none did.
     *
     * @throws IllegalStateException if they differ: every fork runs with the same flags on the same machine, so a
     *     difference means a result would be mislabelled
     */
    static Hardware agreed(Set<Hardware> reported) {
        if (reported.size() > 1) {
            throw new IllegalStateException("hardware: the forks of one run reported different hardware: " + reported);
        }
        return reported.isEmpty() ? null : reported.iterator().next();
    }

    /** JMH options for one benchmark method with these settings, every fork with {@link BenchJvm#forkFlags()}. */
    static ChainedOptionsBuilder options(Class<?> benchmark, String method, BenchSettings s) {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName() + "." + method) + "$")
                .forks(s.forks())
                .warmupIterations(s.warmupIterations())
                .warmupTime(millis(s.warmupSeconds()))
                .measurementIterations(s.measureIterations())
                .measurementTime(millis(s.measureSeconds()))
                .threads(s.callers())
                // Replaces the annotation's fork flags rather than adding to them, so it must name them all.
                .jvmArgsAppend(BenchJvm.forkFlags().toArray(String[]::new))
                .shouldFailOnError(false);
    }

    private static TimeValue millis(double seconds) {
        return TimeValue.milliseconds(Math.max(1, Math.round(seconds * 1000)));
    }

    private static void collect(Iterable<RunResult> runResults, ProgressFormat progress, List<BenchResult> results,
            Set<String> measured, Set<Hardware> hardware) {
        for (RunResult rr : runResults) {
            hardware.add(progress.reported(BenchResults.label(rr.getParams())));
            BenchResult r = BenchResults.from(rr);
            results.add(r);
            measured.add(key(r.kernel(), r.direction(), r.shape(), r.path(), r.threads(), r.layout()));
        }
    }

    private static String key(String kernel, String direction, Shape shape, String path, int threads, String layout) {
        return kernel + "|" + direction + "|" + shape + "|" + path + "|" + threads + "|" + layout;
    }
}
