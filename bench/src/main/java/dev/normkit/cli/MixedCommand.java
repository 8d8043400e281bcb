package dev.normkit.cli;

import dev.normkit.Shape;
import dev.normkit.bench.BenchPath;
import dev.normkit.bench.Hardware;
import dev.normkit.bench.MixedMemoryBench;
import dev.normkit.bench.SizeClass;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code MixedMemoryBench}: does a kernel keep its speed in a JVM that calls it on float[] and native segments? */
@Command(name = "mixed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measure each kernel on native segments and on float[] in forks that called it on that kind",
            "only, and in forks that called it on both kinds first, as a library embedding normkit will.",
            "The JIT profiles memory accesses for the whole JVM, so a kernel may slow down once the JVM",
            "has seen both. Prints GB/s for the four cases and the ratios native both/one, float[]",
            "both/one and float[]/native (both), each expected to be at least 0.9 (issue 7). The",
            "verdict is information: exit status 1 only if a benchmark produced no result.",
        },
        footer = {"", "Examples:",
            "  normkit mixed",
            "  normkit mixed --kernels layer_norm,relu,softmax --paths vector,onednn --shapes l2,llc"})
final class MixedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--kernels", split = ",", paramLabel = "KERNEL", converter = Converters.KernelConverter.class,
            description = "Kernels to measure (default: layer_norm,relu).")
    List<KernelId> kernels = new ArrayList<>(List.of(KernelId.LAYER_NORM, KernelId.RELU));

    @Option(names = "--directions", split = ",", paramLabel = "DIRECTION",
            converter = Converters.DirectionConverter.class,
            description = "Directions to measure, where a kernel has them (default: forward).")
    List<Direction> directions = new ArrayList<>(List.of(Direction.FORWARD));

    @Option(names = "--paths", split = ",", paramLabel = "PATH", converter = Converters.BenchPathConverter.class,
            description = "Paths on native segments (scalar, vector, onednn); each is also measured through its"
                    + " float[] overloads (default: vector).")
    List<BenchPath> paths = new ArrayList<>(List.of(BenchPath.VECTOR));

    @Option(names = "--shapes", split = ",", paramLabel = "SHAPE", converter = Converters.ShapeConverter.class,
            description = "Shapes as RxC or a size class l2, llc, dram (default: l2).")
    List<Shape> shapes = new ArrayList<>(List.of(SizeClass.L2.shape()));

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write one JSON record per trial (kernel, direction, shape, path, seen, gbps, ns_per_op,"
                    + " error_pct, bytes_per_op, unstable, vs_seen_one, vs_native, cpu, jdk, onednn_isa,"
                    + " vector_bits).")
    Path json;

    @Mixin
    JmhTimingOptions timing;

    private record Trial(KernelId kernel, Direction direction, Shape shape, BenchPath path) {}

    @Override
    public Integer call() throws Exception {
        BenchSettings settings;
        try {
            settings = timing.settings(1);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        for (BenchPath p : paths) {
            if (p.heapArrays()) {
                throw new ParameterException(spec.commandLine(), "path: " + p + " is a float[] path; name its path on"
                        + " native segments, " + p.nativePath() + ", and both are measured");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PathProbe probe = PathProbe.backends();
        List<Trial> trials = new ArrayList<>();
        for (BenchPath p : paths) {
            String reason = probe.unavailableReason(p);
            if (reason != null) {
                out.println("skipped path " + p + ": unavailable here: " + reason);
                continue;
            }
            for (KernelId k : kernels) {
                for (Direction d : k.directions()) {
                    if (!directions.contains(d)) continue;
                    for (Shape s : shapes) trials.add(new Trial(k, d, s, p));
                }
            }
        }
        if (trials.isEmpty()) {
            out.println("mixed: nothing to measure with these options");
            return 1;
        }
        // Four trials each: native and float[], each after one kind or after both.
        out.println("mixed: " + 4 * trials.size() + " benchmarks, " + settings.forks() + " fork(s) each, set-up calls"
                + " for " + MixedMemoryBench.WARM_SECONDS + " s, then " + settings.warmupIterations() + " x "
                + settings.warmupSeconds() + " s warm-up, " + settings.measureIterations() + " x "
                + settings.measureSeconds() + " s measured");
        out.flush();

        ProgressFormat progress = new ProgressFormat(out, 4 * trials.size());
        List<MixedResult> results = new ArrayList<>();
        Set<Hardware> hardware = new HashSet<>();
        int failed = 0;
        for (Trial t : trials) {
            for (String method : List.of("nativeSegments", "heapArrays")) {
                var o = BenchRunner.options(MixedMemoryBench.class, method, settings)
                        .param("kernel", t.kernel().label())
                        .param("direction", t.direction().label())
                        .param("path", t.path().label())
                        .param("shape", t.shape().toString())
                        .param("seen", "one", "both");
                int got = 0;
                for (RunResult rr : new Runner(o.build(), progress).run()) {
                    hardware.add(progress.reported(BenchResults.label(rr.getParams())));
                    results.add(new MixedResult(BenchResults.from(rr), "both".equals(rr.getParams().getParam("seen"))));
                    got++;
                }
                failed += 2 - got;
            }
        }
        Hardware ranOn = BenchRunner.agreed(hardware);

        MixedReport report = new MixedReport(results);
        out.println();
        if (ranOn != null) out.println(ranOn.describe());
        out.println("GB/s after calls on this kind only, and after calls on both (native segments and float[]);"
                + " ratios of GB/s in this run (± = the two JMH errors combined; ! = a side is unstable)");
        out.print(report.table());
        for (String b : report.below()) out.println("mixed: " + b);
        if (json != null && ranOn != null) {
            Json.write(json, Json.withHardware(report.json(), ranOn));
            out.println("wrote " + results.size() + " records to " + json);
        }
        if (failed > 0) out.println("mixed: FAILED: " + failed + " benchmark(s) produced no result; see above");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
