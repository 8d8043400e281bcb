package dev.normkit.cli;

import com.google.gson.JsonArray;
import dev.normkit.Shape;
import dev.normkit.bench.BenchPath;
import dev.normkit.bench.SizeClass;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import dev.normkit.conformance.Selection;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The short scalar / vector / onednn comparison: what runs here, is each path right (a reduced check), and how fast
 * is each (forward of the normalizations and five activations at the L2 and LLC sizes, DRAM for two). A few minutes on two cores.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "A short side-by-side comparison of the scalar, vector and onednn paths, in three steps:",
            "  1. paths: what can run here (vector width, oneDNN version and ISA, or why not);",
            "  2. check: every kernel direction on every path against the float64 reference, on a",
            "     reduced set of shapes (one summary line per kernel, direction and path);",
            "  3. bench: the forward of every normalization and of relu, leaky_relu, gelu_erf, gelu_tanh",
            "     and silu at the L2 (64x1024) and LLC (4096x1024) sizes,",
            "     and at the DRAM size (16384x4096) for layer_norm and relu, with short JMH runs,",
            "     and the ratios vector/onednn, vector/scalar and kernel/copy; then layer_norm, softmax",
            "     and gelu_erf at the LLC size with one call on all cores (Runtime.availableProcessors()),",
            "     with their scaling over 1 thread (skipped on a 1-core machine).",
            "Writes an HTML report next to the benchmark JSON (--bench-json, else a new directory under",
            "the temporary directory) and prints its path.",
            "Exits with status 1 if a check fails or a benchmark fails to run.",
            "For the full picture use 'normkit check' and 'normkit bench'.",
        })
final class CompareCommand implements Callable<Integer> {

    /** Lengths below, at and above the vector widths, and a BERT-base row. */
    static final List<Shape> CHECK_SHAPES = List.of(Shape.of(3, 17), Shape.of(16, 768));

    /**
     * Kernels also measured at the DRAM size: memory-bound ones, where DRAM is what limits them (an exp-heavy kernel
     * on the scalar path takes seconds per call there and would mostly measure exp).
     */
    static final List<KernelId> DRAM_KERNELS = List.of(KernelId.LAYER_NORM, KernelId.RELU);

    /**
     * Kernels also measured with one call on all cores, at the LLC size only: a normalization, a row reduction and an
     * elementwise kernel, the three issue 10 sets scaling targets for; all kernels on all sizes would double the run.
     */
    static final List<KernelId> ALL_CORES_KERNELS = List.of(KernelId.LAYER_NORM, KernelId.SOFTMAX, KernelId.GELU_ERF);

    static final List<BenchPath> PATHS = List.of(BenchPath.SCALAR, BenchPath.VECTOR, BenchPath.ONEDNN);

    /**
     * Kernels the bench step measures: every normalization, and the activations that stand for the catalogue (a
     * memory-bound one with and without a slope, the two GELUs and SiLU, the exp-based ones models use most). The
     * check step covers every kernel; 'normkit bench' measures any of them (bench/results has the whole catalogue).
     */
    static final List<KernelId> BENCH_KERNELS = Arrays.stream(KernelId.values())
            .filter(k -> k.family() != KernelId.Family.ACTIVATION || List.of(KernelId.RELU, KernelId.LEAKY_RELU,
                    KernelId.GELU_ERF, KernelId.GELU_TANH, KernelId.SILU).contains(k))
            .toList();

    /**
     * Short on purpose, so the 63 benchmarks, 72 with the all-cores runs (each in its own JVM, which costs 1 to 3 s to
     * start), fit in about five to six minutes on two cores: one fork, 2 x 0.3 s warm-up (forks compile in the foreground, so that ends in compiled
     * code), 3 x 0.3 s measured; the error column says how short that is.
     */
    static final BenchSettings SETTINGS = new BenchSettings(1, 2, 0.3, 3, 0.3, 1);

    @Spec
    CommandSpec spec;

    @Option(names = "--check-json", paramLabel = "FILE", description = "Also write the check results as JSON.")
    Path checkJson;

    @Option(names = "--bench-json", paramLabel = "FILE", description = "Also write the benchmark results as JSON.")
    Path benchJson;

    @Option(names = "--baseline", paramLabel = "OLD.json",
            description = "Compare the benchmarks with an earlier --bench-json: list every regression and improvement"
                    + " of GB/s beyond both runs' noise and 10%%, and exit with status 1 on any regression.")
    Path baseline;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Where to write the HTML report (default: next to the benchmark JSON, with .html).")
    Path html;

    @Override
    public Integer call() throws Exception {
        JsonArray old = baseline == null ? null : BaselineGate.readOption(spec, baseline);
        PrintWriter out = spec.commandLine().getOut();
        // The report needs the records: those without --bench-json or --check-json go to a fresh directory.
        Path runDir = benchJson == null || checkJson == null ? Files.createTempDirectory("normkit-compare-") : null;
        Path benchOut = benchJson != null ? benchJson : runDir.resolve("bench.json");
        Path checkOut = checkJson != null ? checkJson : runDir.resolve("check.json");
        long start = System.nanoTime();

        out.println("== 1. paths");
        PathsCommand.print(out);

        out.println();
        out.println("== 2. check: every kernel direction on every available path vs the float64 reference, shapes "
                + Converters.labels(CHECK_SHAPES));
        out.flush();
        int check = CheckStep.run(new Selection(List.of(), List.of(), CHECK_SHAPES), false, checkOut, out);

        out.println();
        out.println("== 3. bench: forward of " + Converters.labels(BENCH_KERNELS) + " on " + Converters.labels(PATHS) + ", shapes "
                + SizeClass.L2.shape() + " and " + SizeClass.LLC.shape() + ", and " + SizeClass.DRAM.shape()
                + " for " + Converters.labels(DRAM_KERNELS) + "; " + Converters.labels(ALL_CORES_KERNELS) + " at "
                + SizeClass.LLC.shape() + " also on " + Runtime.getRuntime().availableProcessors()
                + " threads per call");
        out.flush();
        BenchPlan plan = BenchPlan.of(BENCH_KERNELS, List.of(Direction.FORWARD), PATHS,
                CompareCommand::benchShapes, (k, s) -> benchThreads(k, s, Runtime.getRuntime().availableProcessors()),
                PathProbe.backends());
        int bench = BenchStep.run(plan, SETTINGS, benchOut, old, out);
        HtmlReport.writeForRun(benchOut, checkOut, html, out);

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        out.println();
        out.println(String.format(Locale.ROOT, "compare: check %s, bench %s, took %d min %02d s",
                check == 0 ? "passed" : "FAILED",
                bench == 0 ? "complete" : old == null ? "INCOMPLETE" : "INCOMPLETE or REGRESSED",
                took.toMinutes(), took.toSecondsPart()));
        out.flush();
        return Math.max(check, bench);
    }

    /** 1 thread, and all {@code cores} for {@link #ALL_CORES_KERNELS} at the LLC size when there is more than one. */
    static List<Integer> benchThreads(KernelId kernel, Shape shape, int cores) {
        return cores > 1 && ALL_CORES_KERNELS.contains(kernel) && shape.equals(SizeClass.LLC.shape())
                ? List.of(1, cores)
                : List.of(1);
    }

    static List<Shape> benchShapes(KernelId kernel) {
        return DRAM_KERNELS.contains(kernel)
                ? SizeClass.allShapes()
                : List.of(SizeClass.L2.shape(), SizeClass.LLC.shape());
    }
}
