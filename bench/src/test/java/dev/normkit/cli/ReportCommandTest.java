package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} writes one self-contained page whose chart data are the JSON's numbers. That a browser renders it is
 * checked by {@code bench/src/test/browser/check-report.sh} (needs Chromium; not part of {@code mvn verify}).
 */
class ReportCommandTest {

    static JsonObject bench(String kernel, String path, String shape, double gbps, Double errorPct) {
        JsonObject o = new JsonObject();
        o.addProperty("kernel", kernel);
        o.addProperty("direction", "forward");
        o.addProperty("shape", shape);
        o.addProperty("path", path);
        o.addProperty("threads", 1);
        o.addProperty("gbps", gbps);
        o.addProperty("ns_per_op", 1000.0);
        o.addProperty("error_pct", errorPct);
        o.addProperty("bytes_per_op", 524288);
        o.addProperty("cpu", "Test CPU <b>9000</b>");
        return o;
    }

    static JsonArray benchRecords() {
        JsonArray a = new JsonArray();
        a.add(bench("copy", "vector", "64x1024", 100, 2.0));
        a.add(bench("copy", "vector", "4096x1024", 40, 4.0));
        a.add(bench("relu", "scalar", "64x1024", 1.5, 3.0));
        a.add(bench("relu", "vector", "64x1024", 60, 5.0));
        a.add(bench("relu", "onednn", "64x1024", 50, 12.0));
        a.add(bench("relu", "vector", "4096x1024", 30, 1.0));
        a.add(bench("relu", "onednn", "4096x1024", 32, 1.0));
        a.add(bench("softmax", "vector", "64x1024", 12, null));
        return a;
    }

    static JsonObject check(String kernel, String path, boolean pass, String note) {
        JsonObject o = new JsonObject();
        o.addProperty("kernel", kernel);
        o.addProperty("direction", "forward");
        o.addProperty("shape", "3x17");
        o.addProperty("path", path);
        o.addProperty("inputs", "normal");
        o.addProperty("max_abs", 1e-7);
        o.addProperty("max_rel", pass ? 1e-6 : 3e-3);
        o.addProperty("ulp", pass ? 2 : 9000);
        o.addProperty("tolerance", 1e-5);
        o.addProperty("pass", pass);
        o.addProperty("note", note);
        return o;
    }

    static JsonArray checkRecords() {
        JsonArray a = new JsonArray();
        a.add(check("relu", "vector", true, ""));
        a.add(check("relu", "scalar", true, ""));
        a.add(check("softmax", "onednn", false, "</script><script>alert(1)</script>"));
        return a;
    }

    @Test
    void thePageIsSelfContainedAndChartsTheNumbersOfTheJson(@TempDir Path dir) throws Exception {
        Path benchJson = Files.writeString(dir.resolve("bench.json"), benchRecords().toString());
        Path checkJson = Files.writeString(dir.resolve("check.json"), checkRecords().toString());
        Path html = dir.resolve("out/report.html");
        StringWriter out = new StringWriter();
        int status = NormkitCommand.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(out, true))
                .execute("report", benchJson.toString(), checkJson.toString(), "--html", html.toString());
        assertEquals(0, status, out.toString());
        assertTrue(out.toString().contains(html.toAbsolutePath().toString()), out.toString());

        String page = Files.readString(html);
        assertTrue(page.contains("Chart.js v4"), "Chart.js is inlined");
        for (String remote : new String[] {"<script src", "<link", "src=\"http", "href=\"http", "url(http",
            "sourceMappingURL"}) {
            assertFalse(page.contains(remote), "the page must load nothing: found " + remote);
        }
        assertEquals(0, count(page, "</script><script>alert"), "a note cannot close the data script");

        JsonObject data = data(page);
        JsonArray groups = data.getAsJsonArray("groups");
        assertEquals(2, groups.size(), "relu forward and softmax forward");
        JsonObject relu = groups.get(0).getAsJsonObject();
        assertEquals("[\"64x1024\",\"4096x1024\"]", relu.get("shapes").toString());
        JsonObject vector = series(relu, "vector");
        assertEquals(60, vector.getAsJsonArray("gbps").get(0).getAsDouble());
        assertEquals(30, vector.getAsJsonArray("gbps").get(1).getAsDouble());
        assertEquals(3.0, vector.getAsJsonArray("errors").get(0).getAsDouble(), 1e-12, "60 GB/s x 5%");
        JsonObject scalar = series(relu, "scalar");
        assertTrue(scalar.getAsJsonArray("gbps").get(1).isJsonNull(), "no scalar record on 4096x1024");
        assertEquals("[100.0,40.0]", relu.getAsJsonObject("copy").get("gbps").toString());

        JsonObject vo = ratio(relu, "vector/onednn");
        assertEquals(1.2, vo.getAsJsonArray("values").get(0).getAsDouble(), 1e-12);
        assertEquals(1.2 * Math.hypot(5, 12) / 100, vo.getAsJsonArray("errors").get(0).getAsDouble(), 1e-12);
        JsonObject vc = ratio(relu, "vector/copy");
        assertEquals(0.75, vc.getAsJsonArray("values").get(1).getAsDouble(), 1e-12);

        JsonObject softmax = groups.get(1).getAsJsonObject();
        assertTrue(series(softmax, "vector").getAsJsonArray("errors").get(0).isJsonNull(), "no JMH error");

        assertTrue(data.getAsJsonArray("machine").toString().contains("Test CPU"), data.get("machine").toString());
        JsonObject check = data.getAsJsonObject("check");
        assertEquals(3, check.get("total").getAsInt());
        assertEquals(1, check.get("failed").getAsInt());
        assertEquals("softmax", check.getAsJsonArray("failures").get(0).getAsJsonObject().get("kernel").getAsString());
        JsonObject firstGroup = check.getAsJsonArray("summary").get(0).getAsJsonObject();
        assertEquals("softmax", firstGroup.get("kernel").getAsString(), "failing groups first");
        assertEquals(0, firstGroup.get("passed").getAsInt());
    }

    @Test
    void withoutHtmlThePageGoesNextToTheBenchJson(@TempDir Path dir) throws Exception {
        Path benchJson = Files.writeString(dir.resolve("run1.json"), benchRecords().toString());
        int status = NormkitCommand.commandLine().setOut(new PrintWriter(new StringWriter(), true))
                .execute("report", benchJson.toString());
        assertEquals(0, status);
        JsonObject data = data(Files.readString(dir.resolve("run1.html")));
        assertTrue(data.get("check").isJsonNull());
    }

    @Test
    void aRunsPageGoesNextToItsBenchJsonAndSaysWhere(@TempDir Path dir) throws Exception {
        Path benchJson = Files.writeString(dir.resolve("bench.json"), benchRecords().toString());
        StringWriter out = new StringWriter();
        // No check records were written (the check step did not get that far): the page has no check section.
        HtmlReport.writeForRun(benchJson, dir.resolve("check.json"), null, new PrintWriter(out, true));
        Path page = dir.resolve("bench.html");
        assertTrue(out.toString().contains("report: " + page.toAbsolutePath()), out.toString());
        assertTrue(data(Files.readString(page)).get("check").isJsonNull());

        StringWriter none = new StringWriter();
        HtmlReport.writeForRun(dir.resolve("missing.json"), null, null, new PrintWriter(none, true));
        assertTrue(none.toString().contains("no benchmark records"), none.toString());
        assertFalse(Files.exists(dir.resolve("missing.html")));
    }

    @Test
    void aMissingFileIsAUsageError(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int status = NormkitCommand.commandLine().setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true))
                .execute("report", dir.resolve("nope.json").toString());
        assertEquals(2, status);
        assertTrue(err.toString().contains("nope.json: no such file"), err.toString());
    }

    @Test
    void callsOnSeveralThreadsAreChartedApartWithoutTheSingleThreadedCopyRoof() {
        JsonArray records = benchRecords();
        for (JsonElement e : records) e.getAsJsonObject().addProperty("callers", 1);
        JsonObject two = bench("relu", "vector", "4096x1024", 55, 1.0);
        two.addProperty("threads", 2);
        two.addProperty("callers", 1);
        records.add(two);
        JsonArray groups = HtmlReport.data(records, new JsonArray(), java.util.List.of()).getAsJsonArray("groups");
        assertEquals(3, groups.size(), groups.toString());
        assertEquals("1 thread", groups.get(0).getAsJsonObject().get("parallelism").getAsString());
        JsonObject parallel = groups.get(2).getAsJsonObject();
        assertEquals("relu", parallel.get("kernel").getAsString());
        assertEquals("2 threads per call", parallel.get("parallelism").getAsString());
        assertEquals("[\"4096x1024\"]", parallel.get("shapes").toString());
        assertEquals(55, series(parallel, "vector").getAsJsonArray("gbps").get(0).getAsDouble());
        assertTrue(parallel.get("copy").isJsonNull(), "the copy roof is single-threaded");
    }

    @Test
    void parallelismLabelsReadRecordsFromBeforeThreadsPerCall() {
        JsonObject old = bench("relu", "vector", "64x1024", 1, 1.0);
        old.addProperty("threads", 2);
        assertEquals("2 callers", HtmlReport.parallelism(old), "its threads were callers");
        old.addProperty("threads", 1);
        assertEquals("1 thread", HtmlReport.parallelism(old));
        JsonObject callers = bench("relu", "vector", "64x1024", 1, 1.0);
        callers.addProperty("callers", 3);
        assertEquals("3 callers", HtmlReport.parallelism(callers));
    }

    /** The data the page charts, read back from its JSON script element. */
    static JsonObject data(String page) {
        Matcher m = Pattern.compile("<script id=\"normkit-data\" type=\"application/json\">(.*?)</script>",
                Pattern.DOTALL).matcher(page);
        assertTrue(m.find(), "no data script in the page");
        return JsonParser.parseString(m.group(1)).getAsJsonObject();
    }

    private static JsonObject series(JsonObject group, String path) {
        for (JsonElement e : group.getAsJsonArray("paths")) {
            if (e.getAsJsonObject().get("path").getAsString().equals(path)) return e.getAsJsonObject();
        }
        throw new AssertionError("no series for " + path + " in " + group);
    }

    private static JsonObject ratio(JsonObject group, String name) {
        for (JsonElement e : group.getAsJsonArray("ratios")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) return e.getAsJsonObject();
        }
        throw new AssertionError("no ratio " + name + " in " + group);
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) n++;
        return n;
    }
}
