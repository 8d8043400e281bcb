package dev.normkit.cli;

/**
 * How long and how wide JMH measures.
 *
 * @param callers JMH threads calling at once, each with its own tensors and kernel
 */
record BenchSettings(int forks, int warmupIterations, double warmupSeconds, int measureIterations,
        double measureSeconds, int callers) {

    BenchSettings {
        positive("forks", forks);
        positive("warmup iterations", warmupIterations);
        positive("measurement iterations", measureIterations);
        positive("callers", callers);
        if (!(warmupSeconds > 0) || !(measureSeconds > 0)) {
            throw new IllegalArgumentException("seconds: warm-up and measurement times must be > 0, got "
                    + warmupSeconds + " and " + measureSeconds);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + ": must be >= 1, got " + v);
    }
}
