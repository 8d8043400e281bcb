package dev.normkit.cli;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;

/** The parameters JMH gives a {@code KernelBench} trial, for tests of what the command line does with its results. */
final class JmhParams {
    private JmhParams() {}

    static BenchmarkParams kernelBench(String kernel, String direction, String shape, String path) {
        WorkloadParams p = new WorkloadParams();
        p.put("kernel", kernel, 0);
        p.put("direction", direction, 1);
        p.put("path", path, 2);
        p.put("shape", shape, 3);
        IterationParams warmup = new IterationParams(IterationType.WARMUP, 1, TimeValue.seconds(1), 1);
        IterationParams measure = new IterationParams(IterationType.MEASUREMENT, 3, TimeValue.seconds(1), 1);
        return new BenchmarkParams("dev.normkit.bench.KernelBench.run", "generated", false, 1, new int[] {1},
                List.of(), 1, 0, warmup, measure, Mode.AverageTime, p, TimeUnit.NANOSECONDS, 1, "java", List.of(),
                "25", "vm", "25", "1.37", TimeValue.minutes(10));
    }
}
