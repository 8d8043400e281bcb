package dev.normkit.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import dev.normkit.bench.Hardware;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH output cut to one line per benchmark and its result, so a run of dozens of benchmarks stays readable. Failures
 * (JMH's {@code <failure>} blocks, a fork's stack trace) and warnings pass through; JMH's banners and per-iteration
 * lines do not, nor the notice every forked JVM prints for the incubator module (the command line printed it once
 * already). What each fork prints itself (which path it measures) reaches the console unchanged, except its
 * {@link Hardware} report, which is kept for the records and printed once, in the report's header.
 */
final class ProgressFormat implements OutputFormat {
    static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";

    private final PrintWriter out;
    private final int total;
    private final ByteArrayOutputStream forkLine = new ByteArrayOutputStream();
    private int started;
    private String current;
    /** Per benchmark label, the hardware its forks reported (the last one; {@link #reported} checks they agree). */
    private final Map<String, Hardware> hardware = new LinkedHashMap<>();
    private String disagreement;

    ProgressFormat(PrintWriter out, int total) {
        this.out = out;
        this.total = total;
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        started++;
        current = BenchResults.label(params);
        out.println("[" + started + "/" + total + "] " + current);
        out.flush();
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        if (result == null) return;
        BenchResult r = BenchResults.from(result.getParams(), result.getPrimaryResult());
        String error = Double.isFinite(r.errorPct()) ? " ±" + Numbers.percent(r.errorPct()) + "%" : "";
        out.println("        " + Numbers.fixed(r.gbps()) + " GB/s, " + Numbers.nanos(r.nsPerOp()) + " ns/op" + error);
        out.flush();
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {}

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration,
            IterationResult data) {}

    @Override
    public void startRun() {}

    @Override
    public void endRun(Collection<RunResult> result) {}

    @Override
    public void print(String s) {}

    @Override
    public void println(String s) {
        // JMH's banners start with '#'; what is left is failures and warnings.
        if (s == null || s.isBlank() || s.startsWith("#")) return;
        out.println(s);
        out.flush();
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }

    @Override
    public void verbosePrintln(String s) {}

    /** A forked JVM's own stdout and stderr, byte by byte: passed on a line at a time. */
    @Override
    public void write(int b) {
        if (b == '\n') {
            String line = forkLine.toString(StandardCharsets.UTF_8);
            forkLine.reset();
            Optional<Hardware> h = Hardware.fromForkLine(line.strip());
            if (h.isPresent()) {
                Hardware before = hardware.put(current, h.get());
                if (before != null && !before.equals(h.get()) && disagreement == null) {
                    disagreement = current + ": one fork reported " + before.describe() + ", another "
                            + h.get().describe();
                }
            } else if (!line.strip().equals(INCUBATOR_NOTICE)) {
                out.println(line);
                out.flush();
            }
        } else {
            forkLine.write(b);
        }
    }

    /**
     * The hardware the forks of the benchmark labelled {@code label} ran on, as they reported it.
     *
     * @throws IllegalStateException if none of them reported it, or two forks of one benchmark disagree
     */
    Hardware reported(String label) {
        if (disagreement != null) throw new IllegalStateException("hardware: " + disagreement);
        Hardware h = hardware.get(label);
        if (h == null) throw new IllegalStateException("hardware: the fork of " + label + " did not report it");
        return h;
    }

    @Override
    public void write(byte[] b) {
        for (byte x : b) write(x);
    }
}
