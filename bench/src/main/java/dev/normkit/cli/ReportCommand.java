package dev.normkit.cli;

import com.google.gson.JsonArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A self-contained HTML page of a benchmark run and, optionally, a check run. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Write one self-contained HTML page (Chart.js and the data inlined; nothing is loaded from the",
            "network when it is viewed): per kernel and direction, GB/s per path and shape with the copy",
            "roof marked and the ratios vector/onednn and vector/copy with error bars; the machine; and",
            "the check summary with failures first.",
        },
        footer = {"", "Examples:",
            "  normkit report bench.json check.json --html report.html",
            "  normkit report bench.json            (writes bench.html)"})
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BENCH.json", description = "Records written by bench --json.")
    Path bench;

    @Parameters(index = "1", arity = "0..1", paramLabel = "CHECK.json", description = "Records written by check --json.")
    Path check;

    @Option(names = "--html", paramLabel = "OUT.html",
            description = "Where to write the page (default: next to BENCH.json, with .html).")
    Path html;

    @Override
    public Integer call() throws Exception {
        JsonArray benchRecords = read(bench);
        JsonArray checkRecords = check == null ? null : read(check);
        List<String> sources = new ArrayList<>(List.of(bench.toString()));
        if (check != null) sources.add(check.toString());
        Path out = html != null ? html : HtmlReport.besides(bench);
        HtmlReport.write(out, benchRecords, checkRecords, sources);
        spec.commandLine().getOut().println("wrote " + out.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private JsonArray read(Path file) {
        try {
            return HtmlReport.readRecords(file);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
