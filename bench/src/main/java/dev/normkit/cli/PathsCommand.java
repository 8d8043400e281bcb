package dev.normkit.cli;

import dev.normkit.BackendStatus;
import dev.normkit.BackendUnavailableException;
import dev.normkit.Backends;
import dev.normkit.bench.BenchPath;
import dev.normkit.bench.Hardware;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Which paths run in this JVM, what each is (vector width, oneDNN version and ISA), or exactly why not. */
@Command(name = "paths", aliases = "info", mixinStandardHelpOptions = true,
        description = {
            "Print which paths can run here: scalar; vector with its vector width; onednn with its",
            "version and ISA; or the exact reason a path is unavailable. scalar-array, vector-array and",
            "onednn-array are those paths called with float[] (benchmarks only): each runs wherever its",
            "path does.",
        })
final class PathsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        print(spec.commandLine().getOut());
        return 0;
    }

    static void print(PrintWriter out) {
        out.println(Hardware.detect().describe());
        TextTable t = new TextTable("path", "status", "detail");
        for (BackendStatus s : Backends.status()) {
            t.row(s.name(), s.available() ? "available" : "unavailable", s.detail());
        }
        for (BenchPath p : BenchPath.values()) {
            if (!p.heapArrays()) continue;
            boolean available = Backends.status().stream().anyMatch(s -> s.name().equals(p.backend()) && s.available());
            t.row(p.label(), available ? "available" : "unavailable", "benchmarks only: " + p.backend()
                    + " through the float[] overloads" + (p.backend().equals("onednn") ? ", copies included" : ""));
        }
        out.print(t.render());
        try {
            out.println("default path (no -D" + Backends.FORCE_PROPERTY + "): " + Backends.defaultBackend().name());
        } catch (BackendUnavailableException e) {
            out.println("default path: none: " + e.getMessage());
        }
        out.flush();
    }
}
