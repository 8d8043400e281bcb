package dev.normkit.cli;

import picocli.CommandLine.Option;

/** The JMH timing options `bench` and `mixed` share (a picocli mixin), turned into {@link BenchSettings}. */
final class JmhTimingOptions {

    @Option(names = "--warmup-iterations", paramLabel = "N", defaultValue = "2",
            description = "Warm-up iterations per fork (default: ${DEFAULT-VALUE}).")
    int warmupIterations;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "1",
            description = "Seconds per warm-up iteration (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--measure-iterations", paramLabel = "N", defaultValue = "3",
            description = "Measured iterations per fork (default: ${DEFAULT-VALUE}).")
    int measureIterations;

    @Option(names = "--measure-seconds", paramLabel = "S", defaultValue = "1",
            description = "Seconds per measured iteration (default: ${DEFAULT-VALUE}).")
    double measureSeconds;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "1",
            description = "Forked JVMs per benchmark (default: ${DEFAULT-VALUE}).")
    int forks;

    /**
     * @throws IllegalArgumentException naming the option that is out of range
     */
    BenchSettings settings(int callers) {
        return new BenchSettings(forks, warmupIterations, warmupSeconds, measureIterations, measureSeconds, callers);
    }
}
