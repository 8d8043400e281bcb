package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Usage errors exit with status 2 and say what is wrong; help and {@code paths} work without running anything. */
class CommandLineUsageTest {

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = NormkitCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void unknownKernelIsAUsageErrorListingTheKnownOnes() {
        Run r = run("bench", "--kernels", "layer_norm,no_such_norm");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("kernel: unknown 'no_such_norm'") && r.err().contains("layer_norm"), r.err());
        assertTrue(r.err().contains("normkit bench --help"), r.err());
    }

    @Test
    void malformedShapeIsAUsageError() {
        Run r = run("check", "--shapes", "3by4");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("shape: expected dimensions like 256x768"), r.err());
    }

    @Test
    void unknownPathIsAUsageErrorForCheckAndBench() {
        assertEquals(2, run("check", "--paths", "onednn-array").status());
        Run r = run("bench", "--paths", "cuda");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("path: unknown 'cuda'"), r.err());
    }

    @Test
    void unknownDirectionIsAUsageError() {
        Run r = run("bench", "--directions", "sideways");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("direction: unknown 'sideways'"), r.err());
    }

    @Test
    void zeroThreadsOrNegativeSecondsAreUsageErrors() {
        Run threads = run("bench", "--threads", "0");
        assertEquals(2, threads.status());
        assertTrue(threads.err().contains("threads: must be >= 1, got 0"), threads.err());
        assertEquals(2, run("bench", "--measure-seconds", "-1").status());
        Run callers = run("bench", "--callers", "0");
        assertEquals(2, callers.status());
        assertTrue(callers.err().contains("callers: must be >= 1, got 0"), callers.err());
    }

    @Test
    void severalCallersAndSeveralThreadsPerCallAreAUsageError() {
        Run r = run("bench", "--callers", "2", "--threads", "1,2");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--callers 2 and --threads [1, 2]: choose one"), r.err());
    }

    @Test
    void unknownOptionAndMissingSubcommandAreUsageErrors() {
        Run r = run("bench", "--thread", "2");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--threads"), "suggests the right option: " + r.err());
        assertEquals(2, run().status());
        assertEquals(2, run("benchmark").status());
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertEquals(0, r.status());
        for (String sub : new String[] {"compare", "check", "bench", "paths"}) {
            assertTrue(r.out().contains(sub), sub + " missing from: " + r.out());
        }
    }

    @Test
    void benchHelpNamesEveryKernelAndPath() {
        Run r = run("bench", "--help");
        assertEquals(0, r.status());
        for (String s : new String[] {"gelu_tanh", "log_softmax", "onednn-array", "backward_from_dst", "--threads"}) {
            assertTrue(r.out().contains(s), s + " missing from: " + r.out());
        }
    }

    @Test
    void sizeClassNamesAreAcceptedAsShapes() {
        assertEquals(dev.normkit.bench.SizeClass.LLC.shape(), new Converters.ShapeConverter().convert("llc"));
        assertEquals(dev.normkit.Shape.of(256, 768), new Converters.ShapeConverter().convert("256x768"));
    }

    @Test
    void pathsListsEveryPathWithItsStatus() {
        Run r = run("paths");
        assertEquals(0, r.status());
        for (String p : new String[] {"scalar", "vector", "onednn", "scalar-array", "vector-array", "onednn-array"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(p + " ")
                    && (l.contains(" available ") || l.contains(" unavailable "))), p + " missing from: " + r.out());
        }
    }
}
