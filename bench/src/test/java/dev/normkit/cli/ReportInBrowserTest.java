package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real headless browser: the page renders its charts with Chart.js, logs nothing to the console, and
 * every chart holds the numbers of the JSON; a screenshot is left in {@code target/report-screenshot.png}.
 *
 * <p>Runs with the browser {@code -Dnormkit.chromium=PATH} names, else with Debian's {@code /usr/bin/chromium} where it
 * is installed; {@code .ci/run} installs it when it is missing. A browser is a system package, not a Maven
 * dependency: where none can be had, {@code mvn verify} reports this test as skipped rather than pretending.
 */
@EnabledIf("chromiumAvailable")
class ReportInBrowserTest {

    private static final String CHROMIUM = System.getProperty("normkit.chromium", "/usr/bin/chromium");

    static boolean chromiumAvailable() {
        return Files.isExecutable(Path.of(CHROMIUM));
    }

    @TempDir
    Path dir;

    @Test
    void chromiumRendersEveryChartWithTheNumbersOfTheJsonAndNoConsoleMessages() throws Exception {
        JsonArray bench = ReportCommandTest.benchRecords();
        Path html = dir.resolve("report.html");
        HtmlReport.write(html, bench, ReportCommandTest.checkRecords(), List.of("bench.json", "check.json"));

        Browser dom = chromium("--dump-dom", html.toUri().toString());
        assertEquals(0, dom.status, dom.err);
        List<String> console = dom.err.lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertTrue(console.isEmpty(), "console messages: " + console);

        Matcher charts = Pattern.compile("<body[^>]*data-charts=\"(\\d+)\"").matcher(dom.out);
        assertTrue(charts.find(), "the page's script did not finish: " + dom.out.substring(0, Math.min(400,
                dom.out.length())));
        assertEquals(4, Integer.parseInt(charts.group(1)), "GB/s and ratio charts for relu and softmax");

        Map<String, Map<String, JsonArray>> rendered = rendered(dom.out);
        assertEquals(4, rendered.size(), "every canvas was drawn by Chart.js: " + rendered.keySet());
        Map<String, JsonArray> reluGbps = rendered.get("gbps-0");
        assertEquals(numbers(gbps(bench, "relu", "vector")), reluGbps.get("vector").toString());
        assertEquals(numbers(gbps(bench, "relu", "onednn")), reluGbps.get("onednn").toString());
        assertEquals("[1.5,null]", reluGbps.get("scalar").toString());
        assertEquals(numbers(gbps(bench, "copy", "vector")), reluGbps.get("copy roof").toString());
        Map<String, JsonArray> reluRatios = rendered.get("ratios-0");
        assertEquals(60.0 / 50, reluRatios.get("vector/onednn").get(0).getAsDouble(), 1e-12);
        assertEquals(30.0 / 32, reluRatios.get("vector/onednn").get(1).getAsDouble(), 1e-12);
        assertEquals(30.0 / 40, reluRatios.get("vector/copy").get(1).getAsDouble(), 1e-12);
        assertEquals("[12]", rendered.get("gbps-1").get("vector").toString().replace(".0", ""));
        assertTrue(dom.out.contains("1 of 3 checks FAILED"), "check verdict shown");
        assertTrue(dom.out.indexOf("Failures") < dom.out.indexOf("By kernel, direction and path"), "failures first");

        Path png = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(png);
        Browser shot = chromium("--screenshot=" + png, "--window-size=1200,2600", html.toUri().toString());
        assertEquals(0, shot.status, shot.err);
        assertTrue(Files.size(png) > 20_000, "a screenshot with content: " + Files.size(png) + " bytes");
    }

    private record Browser(int status, String out, String err) {}

    private Browser chromium(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM, "--headless",
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--enable-logging=stderr",
                "--v=0", "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=3000"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium timed out: " + cmd);
        }
        return new Browser(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Per canvas id, per dataset label: the data Chart.js drew (the page's afterRender hook writes them). */
    private static Map<String, Map<String, JsonArray>> rendered(String dom) {
        Map<String, Map<String, JsonArray>> charts = new HashMap<>();
        Matcher m = Pattern.compile("<canvas([^>]*)>").matcher(dom);
        while (m.find()) {
            Matcher id = Pattern.compile("id=\"([^\"]+)\"").matcher(m.group(1));
            Matcher data = Pattern.compile("data-rendered=\"([^\"]*)\"").matcher(m.group(1));
            if (!id.find() || !data.find()) continue;
            Map<String, JsonArray> sets = new HashMap<>();
            String json = data.group(1).replace("&quot;", "\"").replace("&amp;", "&");
            for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
                JsonObject d = e.getAsJsonObject();
                sets.put(d.get("label").getAsString(), d.getAsJsonArray("data"));
            }
            charts.put(id.group(1), sets);
        }
        return charts;
    }

    private static List<Double> gbps(JsonArray bench, String kernel, String path) {
        List<Double> g = new ArrayList<>();
        for (JsonElement e : bench) {
            JsonObject r = e.getAsJsonObject();
            if (r.get("kernel").getAsString().equals(kernel) && r.get("path").getAsString().equals(path)) {
                g.add(r.get("gbps").getAsDouble());
            }
        }
        return g;
    }

    /** As JavaScript's JSON.stringify writes the numbers: 60 not 60.0. */
    private static String numbers(List<Double> values) {
        return values.stream().map(v -> v == Math.rint(v) ? Long.toString(v.longValue()) : Double.toString(v))
                .toList().toString().replace(" ", "");
    }
}
