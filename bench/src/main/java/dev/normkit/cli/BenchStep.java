package dev.normkit.cli;

import com.google.gson.JsonArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.openjdk.jmh.runner.RunnerException;

/** Runs a benchmark plan and prints the speed report: shared by {@code bench} and {@code compare}. */
final class BenchStep {
    private BenchStep() {}

    /** @return the exit status: 0 if every planned benchmark produced a result, 1 otherwise */
    static int run(BenchPlan plan, BenchSettings settings, Path json, PrintWriter out)
            throws IOException, RunnerException {
        return run(plan, settings, json, null, out);
    }

    /**
     * As above, and when {@code baseline} is not null, compares the results with it ({@link BaselineGate}).
     *
     * @return 1 also when a result regressed against the baseline
     */
    static int run(BenchPlan plan, BenchSettings settings, Path json, JsonArray baseline, PrintWriter out)
            throws IOException, RunnerException {
        out.print(plan.skippedText());
        if (plan.runs().isEmpty()) {
            out.println("bench: nothing to measure with these options");
            return 1;
        }
        out.println("bench: " + plan.benchmarkCount() + " benchmarks, " + settings.forks() + " fork(s) each, "
                + settings.warmupIterations() + " x " + settings.warmupSeconds() + " s warm-up, "
                + settings.measureIterations() + " x " + settings.measureSeconds() + " s measured, "
                + settings.callers() + " caller(s)");
        out.flush();
        BenchRunner.Outcome outcome = BenchRunner.run(plan, settings, out);
        BenchReport report = new BenchReport(outcome.results());
        out.println();
        if (outcome.hardware() != null) out.println(outcome.hardware().describe());
        out.println("GB/s = bytes moved per call (each input read once, each output written once, f32) x callers"
                + " / ns per call; err % = JMH's 99.9% confidence half-width");
        out.println("threads = threads one call runs on; callers = independent callers at once; scaling = GB/s over"
                + " the same kernel, shape and path at 1 thread; the copy roof is single-threaded per call, so x copy"
                + " is shown for 1-thread calls only");
        out.print(report.table());
        long unstable = report.unstableCount();
        if (unstable > 0) {
            out.println(String.format(Locale.ROOT, "%d unstable result(s), marked %s: JMH error above %.0f%% of the"
                    + " score, or forks that disagree by more; an average over them may hide a collapse", unstable,
                    BenchReport.UNSTABLE_MARK, BenchResult.UNSTABLE_PCT));
        }
        String ratios = report.ratios();
        if (!ratios.isEmpty()) {
            out.println();
            out.println("Ratios of GB/s on the same shape in this run (± = the two JMH errors combined; "
                    + BenchReport.UNSTABLE_MARK + " = a side is unstable):");
            out.print(ratios);
        }
        if (json != null) {
            Json.write(json, Json.withHardware(report.json(), outcome.hardware()));
            out.println("wrote " + outcome.results().size() + " benchmark records to " + json);
        }
        for (String f : outcome.failed()) out.println("bench: FAILED (no result; see its output above): " + f);
        int gate = 0;
        if (baseline != null) {
            out.println();
            gate = new BaselineGate(report.json(), baseline).report(out);
        }
        out.flush();
        return outcome.failed().isEmpty() ? gate : 1;
    }
}
