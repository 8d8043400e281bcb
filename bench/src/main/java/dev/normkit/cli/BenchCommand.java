package dev.normkit.cli;

import com.google.gson.JsonArray;
import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import dev.normkit.bench.BenchPath;
import dev.normkit.bench.SizeClass;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** JMH benchmarks of the selected kernels on the selected paths, with the copy roof on the same shapes. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measure kernels with JMH, one forked JVM per benchmark, and print GB/s per path with ns/op",
            "and JMH's error, then the ratios vector/onednn, vector/scalar and kernel/copy, each taken",
            "between results of this run on the same shape. The copy roof (dst = a*src + b, Vector API",
            "over native memory) is measured on every shape a kernel is.",
            "GB/s = bytes a call must move (each input read once, each output written once, f32)",
            "x callers / ns per call. --threads N makes one call on N threads on every path (oneDNN:",
            "N OpenMP threads) and adds its scaling over the same kernel, shape and path at 1 thread;",
            "--callers N runs N independent callers, each call single-threaded, for throughput under",
            "contention. The copy roof is always single-threaded per call, so kernel/copy is shown only",
            "for 1-thread calls.",
        },
        footer = {"", "Size classes: l2 = 64x1024 (256 KiB), llc = 4096x1024 (16 MiB), dram = 16384x4096 (256 MiB).",
            "", "Examples:",
            "  normkit bench --kernels layer_norm --directions forward --shapes l2,llc",
            "  normkit bench --kernels gelu_erf,relu --paths vector,onednn --shapes 256x768 --json bench.json",
            "  normkit bench --kernels layer_norm,softmax --shapes llc --threads 1,2",
            "  normkit bench --kernels batch_norm --shapes 8x256x56x56 --layouts nchw,nhwc",
            "  normkit bench --callers 2 --measure-seconds 2 --forks 2",
            "  normkit bench --kernels relu --shapes l2 --json new.json --baseline old.json"})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--kernels", split = ",", paramLabel = "KERNEL", converter = Converters.KernelConverter.class,
            completionCandidates = Converters.KernelLabels.class,
            description = "Kernels to measure (default: all): ${COMPLETION-CANDIDATES}.")
    List<KernelId> kernels = new ArrayList<>();

    @Option(names = "--directions", split = ",", paramLabel = "DIRECTION",
            converter = Converters.DirectionConverter.class, completionCandidates = Converters.DirectionLabels.class,
            description = "Directions to measure, where a kernel has them (default: all): ${COMPLETION-CANDIDATES}.")
    List<Direction> directions = new ArrayList<>();

    @Option(names = "--paths", split = ",", paramLabel = "PATH", converter = Converters.BenchPathConverter.class,
            completionCandidates = Converters.BenchPathLabels.class,
            description = "Paths to measure (default: all; those unavailable here are reported and skipped):"
                    + " ${COMPLETION-CANDIDATES}.")
    List<BenchPath> paths = new ArrayList<>();

    @Option(names = "--shapes", split = ",", paramLabel = "SHAPE", converter = Converters.ShapeConverter.class,
            description = "Shapes as RxC or a size class l2, llc, dram (default: l2,llc,dram).")
    List<Shape> shapes = new ArrayList<>();

    @Option(names = "--layouts", split = ",", paramLabel = "LAYOUT", converter = Converters.LayoutConverter.class,
            description = "Where batch, group and instance norm and lrn keep the channels, each measured in turn"
                    + " (default: nchw): nchw is the shape as given; nhwc takes the shape as N x C x spatial, as PyTorch"
                    + " and oneDNN state a channels-last tensor's dims, and stores it channels last. Results say their"
                    + " layout; other kernels and rank-2 shapes run once, as given.")
    List<ChannelLayout> layouts = new ArrayList<>();

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Threads one call runs on, each count measured in turn (default: 1): the Java paths through"
                    + " Backend.parallel, onednn with that many OpenMP threads. Add 1 to the list to get the scaling.")
    List<Integer> threads = new ArrayList<>();

    @Option(names = "--callers", paramLabel = "N", defaultValue = "1",
            description = "Independent callers, each with its own tensors and single-threaded calls"
                    + " (default: ${DEFAULT-VALUE}): throughput under contention. Not with --threads above 1.")
    int callers;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the results as JSON records (kernel, direction, shape, path, threads, callers,"
                    + " layout, gbps, ns_per_op, error_pct, bytes_per_op, vs_copy, vs_scalar, vs_onednn, vs_native, scaling,"
                    + " unstable, and the hardware the forks ran on: cpu, jdk, onednn_isa, vector_bits).")
    Path json;

    @Option(names = "--baseline", paramLabel = "OLD.json",
            description = "Compare with an earlier run's --json: list every regression and improvement of GB/s"
                    + " beyond both runs' noise and 10%%, and exit with status 1 on any regression.")
    Path baseline;

    @Mixin
    JmhTimingOptions timing;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings;
        try {
            settings = timing.settings(callers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<Integer> t = threads.isEmpty() ? List.of(1) : List.copyOf(new LinkedHashSet<>(threads));
        for (int n : t) {
            if (n < 1) throw new ParameterException(spec.commandLine(), "threads: must be >= 1, got " + n);
        }
        if (callers > 1 && t.stream().anyMatch(n -> n > 1)) {
            // N callers each splitting its call over M threads asks for N x M threads on the cores: measures the
            // oversubscription, not the kernel.
            throw new ParameterException(spec.commandLine(), "--callers " + callers + " and --threads " + t
                    + ": choose one: several independent callers, or one call on several threads");
        }
        JsonArray old = baseline == null ? null : BaselineGate.readOption(spec, baseline);
        List<KernelId> k = kernels.isEmpty() ? Arrays.asList(KernelId.values()) : kernels;
        List<BenchPath> p = paths.isEmpty() ? Arrays.asList(BenchPath.values()) : paths;
        List<Shape> s = shapes.isEmpty() ? SizeClass.allShapes() : shapes;
        List<ChannelLayout> l = layouts.isEmpty() ? List.of(ChannelLayout.NCHW) : List.copyOf(new LinkedHashSet<>(layouts));
        BenchPlan plan = BenchPlan.of(k, directions, p, kernel -> s, (kernel, shape) -> t, l, PathProbe.backends());
        return BenchStep.run(plan, settings, json, old, spec.commandLine().getOut());
    }
}
