package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.bench.Hardware;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressFormatTest {

    private static final Hardware AVX2 = new Hardware("AMD EPYC", "25.0.1", "avx2", 256);
    private static final Hardware AVX512 = new Hardware("AMD EPYC", "25.0.1", "avx512_core_bf16", 512);

    @Test
    void forkOutputPassesLineByLineExceptTheIncubatorNotice() {
        StringWriter text = new StringWriter();
        ProgressFormat f = new ProgressFormat(new PrintWriter(text), 1);
        f.write((ProgressFormat.INCUBATOR_NOTICE + "\nException in thread main\n").getBytes(StandardCharsets.UTF_8));
        f.write("  at Foo.bar\n".getBytes(StandardCharsets.UTF_8));
        f.flush();
        assertEquals("Exception in thread main\n  at Foo.bar\n", text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void jmhBannersAreDroppedButFailuresKept() {
        StringWriter text = new StringWriter();
        ProgressFormat f = new ProgressFormat(new PrintWriter(text), 1);
        f.println("# Run progress: 0.00% complete, ETA 00:00:03");
        f.println("");
        f.println("<failure>");
        f.flush();
        assertEquals("<failure>\n", text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aForkHardwareReportIsKeptForItsBenchmarkAndNotPrinted() {
        StringWriter text = new StringWriter();
        ProgressFormat f = new ProgressFormat(new PrintWriter(text), 1);
        BenchmarkParams relu = params("relu");
        f.startBenchmark(relu);
        f.write(("normkit-bench: measuring relu\n" + AVX2.forkLine() + "\n").getBytes(StandardCharsets.UTF_8));
        f.flush();
        assertEquals(AVX2, f.reported(BenchResults.label(relu)));
        assertTrue(text.toString().contains("normkit-bench: measuring relu"), text.toString());
        assertFalse(text.toString().contains(Hardware.FORK_LINE_PREFIX), text.toString());
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> f.reported(BenchResults.label(params("softmax"))));
        assertTrue(none.getMessage().contains("did not report"), none.getMessage());
    }

    @Test
    void forksOfOneBenchmarkThatDisagreeOnHardwareAreAnError() {
        ProgressFormat f = new ProgressFormat(new PrintWriter(new StringWriter()), 1);
        BenchmarkParams relu = params("relu");
        f.startBenchmark(relu);
        f.write((AVX2.forkLine() + "\n" + AVX512.forkLine() + "\n").getBytes(StandardCharsets.UTF_8));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> f.reported(BenchResults.label(relu)));
        assertTrue(e.getMessage().contains("avx2") && e.getMessage().contains("avx512_core_bf16"), e.getMessage());
    }

    private static BenchmarkParams params(String kernel) {
        return JmhParams.kernelBench(kernel, "forward", "2x9", "scalar");
    }
}
