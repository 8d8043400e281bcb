package dev.normkit.cli;

import dev.normkit.BackendStatus;
import dev.normkit.Backends;
import dev.normkit.bench.Hardware;
import dev.normkit.conformance.CheckResult;
import dev.normkit.conformance.Conformance;
import dev.normkit.conformance.Selection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** Runs the conformance checks and reports them: shared by {@code check} and {@code compare}. */
final class CheckStep {
    private CheckStep() {}

    /**
     * @param fullTable one line per check when true, one line per kernel, direction and path when false
     * @return the exit status: 0 if every check passed, 1 if any failed, nothing was checked, or a requested path
     *         cannot run here
     */
    static int run(Selection selection, boolean fullTable, Path json, PrintWriter out) throws IOException {
        return run(selection, fullTable, json, null, out);
    }

    /** As above, and also writes the records as JUnit XML to {@code junit} unless it is null. */
    static int run(Selection selection, boolean fullTable, Path json, Path junit, PrintWriter out)
            throws IOException {
        for (String p : selection.paths()) {
            String reason = unavailableReason(p);
            if (reason != null) {
                out.println("check: path " + p + " was requested but cannot run here: " + reason);
                return 1;
            }
        }
        if (selection.paths().isEmpty()) {
            for (BackendStatus s : Backends.status()) {
                if (!s.available()) out.println("skipped path " + s.name() + ": unavailable here: " + s.detail());
            }
        }
        Hardware hardware = Hardware.detect();
        out.println(hardware.describe());
        out.flush();
        List<CheckResult> results = Conformance.run(selection);
        out.print(fullTable ? CheckReport.table(results) : CheckReport.summary(results));
        out.print(CheckReport.failures(results));
        RefusedKernels.lines(selection).forEach(out::println);
        long failed = CheckReport.failed(results);
        if (json != null) {
            Json.write(json, Json.withHardware(CheckReport.json(results), hardware));
            out.println("wrote " + results.size() + " check records to " + json);
        }
        if (junit != null) {
            CheckJunitXml.write(junit, CheckReport.json(results));
            out.println("wrote " + results.size() + " JUnit test cases to " + junit);
        }
        if (results.isEmpty()) {
            out.println("check: nothing was checked");
            return 1;
        }
        out.println(failed == 0
                ? "check: all " + results.size() + " checks passed"
                : "check: " + failed + " of " + results.size() + " checks FAILED");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static String unavailableReason(String path) {
        for (BackendStatus s : Backends.status()) {
            if (s.name().equals(path)) return s.available() ? null : s.detail();
        }
        return "unknown path";
    }
}
