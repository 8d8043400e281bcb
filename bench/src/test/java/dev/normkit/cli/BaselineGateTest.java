package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regression gate on synthetic benchmark records (running JMH here would take minutes). */
class BaselineGateTest {

    private static JsonObject record(String kernel, String path, double gbps, Double errorPct) {
        JsonObject o = new JsonObject();
        o.addProperty("kernel", kernel);
        o.addProperty("direction", "forward");
        o.addProperty("shape", "64x1024");
        o.addProperty("path", path);
        o.addProperty("threads", 1);
        o.addProperty("callers", 1);
        o.addProperty("gbps", gbps);
        o.addProperty("ns_per_op", 1000.0);
        if (errorPct == null) {
            o.add("error_pct", JsonNull.INSTANCE);
        } else {
            o.addProperty("error_pct", errorPct);
        }
        // Fields the gate does not know must not disturb it.
        o.addProperty("cpu", "some CPU");
        o.addProperty("unstable", false);
        return o;
    }

    private static JsonArray of(JsonObject... records) {
        JsonArray a = new JsonArray();
        for (JsonObject r : records) a.add(r);
        return a;
    }

    private static JsonArray baseline() {
        return of(record("copy", "vector", 60, 2.0), record("relu", "vector", 40, 2.0),
                record("relu", "onednn", 30, 3.0), record("softmax", "vector", 20, 1.0));
    }

    private static int gate(JsonArray current, JsonArray old, StringWriter text) {
        return new BaselineGate(current, old).report(new PrintWriter(text, true));
    }

    @Test
    void aThreefoldSlowdownIsARegressionAndFailsTheGate() {
        JsonArray now = of(record("copy", "vector", 60, 2.0), record("relu", "vector", 40 / 3.0, 2.0),
                record("relu", "onednn", 30, 3.0), record("softmax", "vector", 20, 1.0));
        StringWriter text = new StringWriter();
        assertEquals(1, gate(now, baseline(), text), text.toString());
        BaselineGate g = new BaselineGate(now, baseline());
        assertEquals(1, g.regressions().size());
        assertEquals("relu forward 64x1024 vector 1 1", g.regressions().get(0).key());
        assertTrue(text.toString().contains("Regressions") && text.toString().contains("-66.7"), text.toString());
    }

    @Test
    void anIdenticalRerunPasses() {
        StringWriter text = new StringWriter();
        assertEquals(0, gate(baseline(), baseline(), text), text.toString());
        assertTrue(text.toString().contains("4 records compared, 0 regression(s), 0 improvement(s), 4 within noise"),
                text.toString());
    }

    @Test
    void aDropUnderTenPercentIsNotARegressionEvenWhenQuiet() {
        JsonArray now = of(record("relu", "vector", 40 * 0.92, 0.1));
        JsonArray old = of(record("relu", "vector", 40, 0.1));
        assertEquals(0, gate(now, old, new StringWriter()));
    }

    @Test
    void aDropWithinTheNoiseOfBothRunsIsNotARegression() {
        // 20% down, but each run has a 20% JMH error: the combined noise (sqrt(8^2 + 6.4^2) = 10.2 GB/s) exceeds the
        // 8 GB/s drop.
        JsonArray now = of(record("relu", "vector", 32, 20.0));
        JsonArray old = of(record("relu", "vector", 40, 20.0));
        BaselineGate g = new BaselineGate(now, old);
        assertTrue(g.regressions().isEmpty());
        assertEquals(0, g.report(new PrintWriter(new StringWriter(), true)));
        // The same drop measured quietly is one.
        assertEquals(1, new BaselineGate(of(record("relu", "vector", 32, 2.0)), of(record("relu", "vector", 40, 2.0)))
                .regressions().size());
    }

    @Test
    void improvementsAreListedAndPass() {
        JsonArray now = of(record("relu", "vector", 80, 2.0), record("relu", "onednn", 30, 3.0));
        StringWriter text = new StringWriter();
        assertEquals(0, gate(now, baseline(), text));
        assertTrue(text.toString().contains("Improvements") && text.toString().contains("100.0"), text.toString());
        assertFalse(text.toString().contains("Regressions"), text.toString());
    }

    @Test
    void recordsAreMatchedOnPathAndThreadsToo() {
        JsonObject twoThreads = record("relu", "vector", 10, 1.0);
        twoThreads.addProperty("threads", 2);
        StringWriter text = new StringWriter();
        // No baseline for 2 threads, and onednn's 30 GB/s is not compared with vector's 40.
        assertEquals(0, gate(of(twoThreads, record("relu", "onednn", 30, 1.0)), baseline(), text));
        assertTrue(text.toString().contains("no baseline record for relu forward 64x1024 vector 2 1"),
                text.toString());
    }

    @Test
    void twoThreadsPerCallAreNotComparedWithTwoCallers() {
        JsonObject twoCallers = record("relu", "vector", 80, 1.0);
        twoCallers.addProperty("callers", 2);
        JsonObject twoThreads = record("relu", "vector", 20, 1.0);
        twoThreads.addProperty("threads", 2);
        StringWriter text = new StringWriter();
        // Matched, 20 GB/s against 80 would be a regression.
        assertEquals(0, gate(of(twoThreads), of(twoCallers), text), text.toString());
        assertTrue(text.toString().contains("no baseline record for relu forward 64x1024 vector 2 1"),
                text.toString());
    }

    @Test
    void aRecordWithoutCallersIsFromBeforeThreadsPerCallAndItsThreadsWereCallers() {
        JsonObject old = record("relu", "vector", 80, 1.0);
        old.remove("callers");
        old.addProperty("threads", 2);
        JsonObject twoCallers = record("relu", "vector", 20, 1.0);
        twoCallers.addProperty("callers", 2);
        JsonObject twoThreads = record("relu", "vector", 80, 1.0);
        twoThreads.addProperty("threads", 2);
        StringWriter text = new StringWriter();
        assertEquals(1, gate(of(twoCallers, twoThreads), of(old), text), text.toString());
        assertTrue(text.toString().contains("relu forward 64x1024 vector 1 2"), text.toString());
        assertTrue(text.toString().contains("no baseline record for relu forward 64x1024 vector 2 1"),
                text.toString());
    }

    @Test
    void aSlowerCopyRoofIsReportedAsTheMachineAndDoesNotFailTheGate() {
        JsonArray now = of(record("copy", "vector", 20, 2.0), record("relu", "vector", 40, 2.0));
        StringWriter text = new StringWriter();
        assertEquals(0, gate(now, baseline(), text), text.toString());
        assertTrue(text.toString().contains("the copy roof copy forward 64x1024 vector 1 1 moved -66.7%"),
                text.toString());
    }

    @Test
    void aMissingErrorCountsAsNoNoise() {
        assertEquals(1, new BaselineGate(of(record("relu", "vector", 30, null)), of(record("relu", "vector", 40, null)))
                .regressions().size());
    }

    @Test
    void aBadBaselineFileIsNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaselineGate.read(missing));
        assertTrue(e.getMessage().contains("missing.json"), e.getMessage());
        Path notArray = Files.writeString(dir.resolve("object.json"), "{\"gbps\": 1}");
        e = assertThrows(IllegalArgumentException.class, () -> BaselineGate.read(notArray));
        assertTrue(e.getMessage().contains("object.json"), e.getMessage());
    }

    @Test
    void benchWithAMissingBaselineIsAUsageErrorBeforeAnythingRuns(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int status = NormkitCommand.commandLine()
                .setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true))
                .execute("bench", "--kernels", "relu", "--baseline", dir.resolve("old.json").toString());
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().contains("--baseline") && err.toString().contains("old.json"), err.toString());
    }
}
