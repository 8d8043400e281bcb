package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.normkit.bench.Hardware;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} runs the conformance engine on the selection it is given and reports every check. */
class CheckCommandTest {

    @Test
    void checksTheSelectionPrintsOneLinePerCheckAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/check.json");
        StringWriter out = new StringWriter();
        int status = NormkitCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(new StringWriter(), true))
                .execute("check", "--kernels", "relu", "--paths", "scalar", "--shapes", "2x9", "--json",
                        json.toString());
        String text = out.toString();
        assertEquals(0, status, text);
        assertTrue(text.contains("check: all"), text);
        Hardware hardware = Hardware.detect();
        assertEquals(1, text.lines().filter(l -> l.equals(hardware.describe())).count(), "hardware once: " + text);

        JsonArray records = JsonParser.parseString(Files.readString(json)).getAsJsonArray();
        assertTrue(records.size() > 0, "no records");
        long tableLines = text.lines().filter(l -> l.startsWith("relu ")).count();
        assertEquals(records.size(), tableLines, "one table line per JSON record");
        records.forEach(r -> {
            assertEquals("relu", r.getAsJsonObject().get("kernel").getAsString());
            assertEquals("scalar", r.getAsJsonObject().get("path").getAsString());
            assertEquals("2x9", r.getAsJsonObject().get("shape").getAsString());
            for (String field : List.of("cpu", "jdk", "onednn_isa", "vector_bits")) {
                assertEquals(hardware.json().get(field), r.getAsJsonObject().get(field), field);
            }
        });
    }
}
