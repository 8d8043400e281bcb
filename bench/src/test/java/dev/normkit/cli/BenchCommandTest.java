package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.normkit.bench.Hardware;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} end to end, with JMH forks, on a tiny problem and very short iterations (the numbers mean nothing here;
 * what is tested is what the records say about the run).
 */
class BenchCommandTest {

    @Test
    void everyRecordCarriesTheHardwareItsForkReportedAndItsThreads(@TempDir Path dir) throws Exception {
        // JMH refuses to start while another JMH run holds its machine-wide lock; this test measures nothing worth it.
        System.setProperty("jmh.ignoreLock", "true");
        Path json = dir.resolve("bench.json");
        StringWriter out = new StringWriter();
        int status = NormkitCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(new StringWriter(), true))
                .execute("bench", "--kernels", "relu", "--directions", "forward", "--paths", "scalar", "--shapes",
                        "2x9", "--warmup-iterations", "1", "--warmup-seconds", "0.05", "--measure-iterations", "2",
                        "--measure-seconds", "0.05", "--threads", "1,2", "--json", json.toString());
        String text = out.toString();
        assertEquals(0, status, text);

        // The forks run with this JVM's flags on this machine, so they report what this JVM sees.
        Hardware here = Hardware.detect();
        assertEquals(1, text.lines().filter(l -> l.equals(here.describe())).count(), "hardware once: " + text);
        assertTrue(text.lines().noneMatch(l -> l.startsWith(Hardware.FORK_LINE_PREFIX)), text);
        JsonArray records = JsonParser.parseString(Files.readString(json)).getAsJsonArray();
        assertEquals(3, records.size(), "the copy roof and relu on 1 and 2 threads: " + records);
        List<String> runs = new java.util.ArrayList<>();
        for (var r : records) {
            JsonObject o = r.getAsJsonObject();
            runs.add(o.get("kernel").getAsString() + " " + o.get("threads") + " " + o.get("callers"));
        }
        assertEquals(List.of("copy 1 1", "relu 1 1", "relu 2 1"), runs);
        JsonObject two = records.get(2).getAsJsonObject();
        assertEquals(two.get("gbps").getAsDouble() / records.get(1).getAsJsonObject().get("gbps").getAsDouble(),
                two.get("scaling").getAsDouble(), 1e-9);
        assertTrue(two.get("vs_copy").isJsonNull(), "the copy roof is single-threaded");
        for (var r : records) {
            JsonObject o = r.getAsJsonObject();
            for (String field : List.of("cpu", "jdk", "onednn_isa", "vector_bits")) {
                assertTrue(o.has(field), field + " in " + o);
                assertEquals(here.json().get(field), o.get(field), field);
            }
        }
    }

    @Test
    void layoutsMeasureAChannelKernelInEachAndEveryRecordSaysWhich(@TempDir Path dir) throws Exception {
        System.setProperty("jmh.ignoreLock", "true");
        Path json = dir.resolve("bench.json");
        StringWriter out = new StringWriter();
        int status = NormkitCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(new StringWriter(), true))
                .execute("bench", "--kernels", "batch_norm,relu", "--directions", "forward", "--paths", "scalar",
                        "--shapes", "2x3x4x5", "--layouts", "nchw,nhwc", "--warmup-iterations", "1",
                        "--warmup-seconds", "0.05", "--measure-iterations", "1", "--measure-seconds", "0.05",
                        "--json", json.toString());
        String text = out.toString();
        assertEquals(0, status, text);
        JsonArray records = JsonParser.parseString(Files.readString(json)).getAsJsonArray();
        List<String> runs = new java.util.ArrayList<>();
        for (var r : records) {
            JsonObject o = r.getAsJsonObject();
            runs.add(o.get("kernel").getAsString() + " " + o.get("shape").getAsString() + " "
                    + (o.get("layout").isJsonNull() ? "-" : o.get("layout").getAsString()));
        }
        // relu has no channel axis: once, with no layout; batch norm once per layout, on the shape as given.
        assertEquals(List.of("copy 2x3x4x5 -", "batch_norm 2x3x4x5 nchw", "batch_norm 2x3x4x5 nhwc",
                "relu 2x3x4x5 -"), runs);
        assertTrue(text.contains("] batch_norm forward 2x3x4x5 nhwc on scalar"), "progress says the layout: " + text);
        assertTrue(text.lines().anyMatch(l -> l.matches("batch_norm +forward +2x3x4x5 +nhwc +scalar .*")), text);
    }

    @Test
    void anUnknownLayoutIsAUsageErrorThatListsTheKnownOnes() {
        StringWriter err = new StringWriter();
        int status = NormkitCommand.commandLine()
                .setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true))
                .execute("bench", "--kernels", "batch_norm", "--layouts", "nchwc");
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().contains("layout: unknown 'nchwc'; known: nchw, nhwc"), err.toString());
    }
}
