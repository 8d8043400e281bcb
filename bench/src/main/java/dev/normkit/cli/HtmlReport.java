package dev.normkit.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * The HTML report: one self-contained page (Chart.js and the data inlined; nothing is fetched when it is viewed) with,
 * per kernel, direction and parallelism (threads per call, or callers), GB/s per path and shape with the copy roof
 * marked, the ratios vector/onednn and vector/copy with error bars, the machine, and the check summary with failures
 * first.
 *
 * <p>Records are read by field name from the JSON {@code bench --json} and {@code check --json} write, so fields added
 * later do not break the page; machine fields ({@value #MACHINE_FIELDS_TEXT}) show where the records carry them.
 */
final class HtmlReport {
    private HtmlReport() {}

    private static final String TEMPLATE = "report.html";
    private static final String CHART_JS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final String MACHINE_FIELDS_TEXT = "cpu, jdk, onednn_isa, vector_bits";
    private static final List<String> MACHINE_FIELDS = List.of("cpu", "jdk", "onednn_isa", "vector_bits");
    /** The ratios the page charts: numerator and denominator paths ({@code copy} is the copy roof). */
    private static final List<List<String>> RATIOS = List.of(List.of("vector", "onednn"), List.of("vector", "copy"));

    /** Reads a JSON array of records, naming the file when it cannot. */
    static JsonArray readRecords(Path file) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file));
            if (!e.isJsonArray()) throw new IllegalArgumentException(file + ": expected a JSON array of records");
            return e.getAsJsonArray();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException | JsonParseException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** {@code bench.json} -> {@code bench.html}, next to it. */
    static Path besides(Path json) {
        String name = json.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return json.resolveSibling(base + ".html");
    }

    /**
     * The page of a run whose records were written to {@code benchJson} and {@code checkJson} (either may be missing:
     * no benchmark result, no check), to {@code html} or else next to {@code benchJson}; prints where.
     */
    static void writeForRun(Path benchJson, Path checkJson, Path html, PrintWriter out) throws IOException {
        if (!Files.exists(benchJson)) {
            out.println("report: no benchmark records were written, so no page");
            return;
        }
        boolean checked = checkJson != null && Files.exists(checkJson);
        List<String> sources = new ArrayList<>(List.of(benchJson.toString()));
        if (checked) sources.add(checkJson.toString());
        Path page = html != null ? html : besides(benchJson);
        write(page, readRecords(benchJson), checked ? readRecords(checkJson) : null, sources);
        out.println("report: " + page.toAbsolutePath());
        out.flush();
    }

    /** Writes the page for {@code bench} records and, if not null, {@code check} records. */
    static void write(Path html, JsonArray bench, JsonArray check, List<String> sources) throws IOException {
        Path parent = html.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(html, page(data(bench, check, sources)), StandardCharsets.UTF_8);
    }

    /** The page with {@code data} inlined. Gson escapes {@code <} and {@code >}, so the data cannot end its script. */
    static String page(JsonObject data) throws IOException {
        String template = resource(HtmlReport.class.getResourceAsStream(TEMPLATE), TEMPLATE);
        String chartJs = chartJs();
        // Chart.js first: the data (notes, names) must not be able to inject it.
        return template.replace("/*CHART_JS*/", chartJs)
                .replace("/*NORMKIT_DATA*/", new GsonBuilder().serializeNulls().create().toJson(data));
    }

    /** Everything the page shows, as one JSON object (kept in the page, so what is charted can be read back). */
    static JsonObject data(JsonArray bench, JsonArray check, List<String> sources) {
        JsonObject d = new JsonObject();
        d.addProperty("generated", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        JsonArray src = new JsonArray();
        sources.forEach(src::add);
        d.add("sources", src);
        d.add("machine", machine(bench));
        d.add("groups", groups(bench));
        d.add("check", check == null ? JsonNull.INSTANCE : check(check));
        return d;
    }

    private static JsonArray machine(JsonArray bench) {
        JsonArray m = new JsonArray();
        for (String f : MACHINE_FIELDS) {
            Set<String> values = new LinkedHashSet<>();
            for (JsonElement e : bench) {
                String v = text(e.getAsJsonObject(), f);
                if (v != null) values.add(v);
            }
            m.add(pair(f, values.isEmpty() ? "not recorded in the benchmark JSON" : String.join(", ", values)));
        }
        Set<String> parallel = new LinkedHashSet<>();
        for (JsonElement e : bench) parallel.add(parallelism(e.getAsJsonObject()));
        m.add(pair("parallelism", parallel.isEmpty() ? "not recorded" : String.join(", ", parallel)));
        return m;
    }

    private record Group(String kernel, String direction, String parallelism) {}

    /**
     * How a record's calls ran: "1 thread", "N threads per call" or "N callers". A record without callers predates
     * one call on several threads: its threads were callers.
     */
    static String parallelism(JsonObject r) {
        boolean old = !r.has("callers");
        String threads = old ? "1" : text(r, "threads");
        String callers = text(r, old ? "threads" : "callers");
        if (callers != null && !callers.equals("1")) return callers + " callers";
        return threads == null || threads.equals("1") ? "1 thread" : threads + " threads per call";
    }

    /**
     * Per kernel, direction and parallelism (in record order): shapes, GB/s and its error per path, the copy roof (none
     * for calls on several threads), the ratios.
     */
    private static JsonArray groups(JsonArray bench) {
        Map<String, JsonObject> copy = new LinkedHashMap<>();
        Map<Group, List<JsonObject>> groups = new LinkedHashMap<>();
        for (JsonElement e : bench) {
            JsonObject r = e.getAsJsonObject();
            if (Objects.equals(text(r, "kernel"), BenchResult.COPY)) {
                copy.put(text(r, "shape") + "/" + parallelism(r), r);
            } else {
                // A channels-last result is its own group: its shape is the same as the channels-first one's.
                String kernel = text(r, "kernel") + ("nhwc".equals(text(r, "layout")) ? " nhwc" : "");
                groups.computeIfAbsent(new Group(kernel, text(r, "direction"), parallelism(r)),
                        k -> new ArrayList<>()).add(r);
            }
        }
        JsonArray out = new JsonArray();
        groups.forEach((g, rs) -> {
            List<String> shapes = new ArrayList<>();
            Set<String> paths = new LinkedHashSet<>();
            for (JsonObject r : rs) {
                if (!shapes.contains(text(r, "shape"))) shapes.add(text(r, "shape"));
                paths.add(text(r, "path"));
            }
            JsonObject o = new JsonObject();
            o.addProperty("kernel", g.kernel());
            o.addProperty("direction", g.direction());
            o.addProperty("parallelism", g.parallelism());
            JsonArray shapeArray = new JsonArray();
            shapes.forEach(shapeArray::add);
            o.add("shapes", shapeArray);
            JsonArray pathArray = new JsonArray();
            for (String p : paths) {
                List<JsonObject> row = new ArrayList<>();
                for (String s : shapes) row.add(find(rs, p, s));
                JsonObject series = series(row);
                series.addProperty("path", p);
                pathArray.add(series);
            }
            o.add("paths", pathArray);
            List<JsonObject> copies = new ArrayList<>();
            // The copy roof is single-threaded per call: none is drawn for calls on several threads.
            for (String s : shapes) copies.add(copy.get(s + "/" + g.parallelism()));
            o.add("copy", copies.stream().allMatch(Objects::isNull) ? JsonNull.INSTANCE : series(copies));
            JsonArray ratios = new JsonArray();
            for (List<String> pair : RATIOS) {
                JsonArray values = new JsonArray();
                JsonArray errors = new JsonArray();
                boolean any = false;
                for (int i = 0; i < shapes.size(); i++) {
                    JsonObject num = find(rs, pair.get(0), shapes.get(i));
                    JsonObject den = pair.get(1).equals(BenchResult.COPY) ? copies.get(i)
                            : find(rs, pair.get(1), shapes.get(i));
                    Double a = num == null ? null : number(num, "gbps");
                    Double b = den == null ? null : number(den, "gbps");
                    if (a == null || b == null || b == 0) {
                        values.add(JsonNull.INSTANCE);
                        errors.add(JsonNull.INSTANCE);
                        continue;
                    }
                    any = true;
                    double ratio = a / b;
                    values.add(ratio);
                    double e1 = orZero(number(num, "error_pct"));
                    double e2 = orZero(number(den, "error_pct"));
                    errors.add(ratio * Math.sqrt(e1 * e1 + e2 * e2) / 100);
                }
                if (!any) continue;
                JsonObject ratio = new JsonObject();
                ratio.addProperty("name", pair.get(0) + "/" + pair.get(1));
                ratio.add("values", values);
                ratio.add("errors", errors);
                ratios.add(ratio);
            }
            o.add("ratios", ratios);
            out.add(o);
        });
        return out;
    }

    /** GB/s and its absolute error (GB/s x error_pct / 100) of each record; null where a record is missing. */
    private static JsonObject series(List<JsonObject> records) {
        JsonArray gbps = new JsonArray();
        JsonArray errors = new JsonArray();
        for (JsonObject r : records) {
            Double g = r == null ? null : number(r, "gbps");
            Double e = r == null ? null : number(r, "error_pct");
            if (g == null) {
                gbps.add(JsonNull.INSTANCE);
                errors.add(JsonNull.INSTANCE);
            } else {
                gbps.add(g);
                if (e == null) {
                    errors.add(JsonNull.INSTANCE);
                } else {
                    errors.add(g * e / 100);
                }
            }
        }
        JsonObject s = new JsonObject();
        s.add("gbps", gbps);
        s.add("errors", errors);
        return s;
    }

    /** Totals, every failing record (in record order) and a pass count per kernel, direction and path. */
    private static JsonObject check(JsonArray records) {
        JsonArray failures = new JsonArray();
        record Key(String kernel, String direction, String path) {}
        Map<Key, double[]> summary = new LinkedHashMap<>(); // checks, passed, worst max_rel / tolerance
        for (JsonElement e : records) {
            JsonObject r = e.getAsJsonObject();
            boolean pass = r.has("pass") && r.get("pass").isJsonPrimitive() && r.get("pass").getAsBoolean();
            if (!pass) failures.add(r);
            double[] s = summary.computeIfAbsent(new Key(text(r, "kernel"), text(r, "direction"), text(r, "path")),
                    k -> new double[3]);
            s[0]++;
            if (pass) s[1]++;
            Double rel = number(r, "max_rel");
            Double tol = number(r, "tolerance");
            double of = rel == null ? Double.NaN : tol == null || tol == 0 ? rel : rel / tol;
            s[2] = Double.isNaN(s[2]) || Double.isNaN(of) ? Double.NaN : Math.max(s[2], of);
        }
        JsonObject c = new JsonObject();
        c.addProperty("total", records.size());
        c.addProperty("failed", failures.size());
        c.add("failures", failures);
        JsonArray rows = new JsonArray();
        summary.forEach((k, s) -> {
            JsonObject row = new JsonObject();
            row.addProperty("kernel", k.kernel());
            row.addProperty("direction", k.direction());
            row.addProperty("path", k.path());
            row.addProperty("checks", (int) s[0]);
            row.addProperty("passed", (int) s[1]);
            Json.number(row, "worst_of_tolerance", s[2]);
            rows.add(row);
        });
        // Failing groups first, as the failures themselves are.
        List<JsonElement> sorted = new ArrayList<>(rows.asList());
        sorted.sort((a, b) -> Boolean.compare(passedAll(a), passedAll(b)));
        JsonArray ordered = new JsonArray();
        sorted.forEach(ordered::add);
        c.add("summary", ordered);
        return c;
    }

    private static boolean passedAll(JsonElement row) {
        JsonObject o = row.getAsJsonObject();
        return o.get("passed").getAsInt() == o.get("checks").getAsInt();
    }

    /** Chart.js's UMD bundle from its webjar, without the source-map comment (the map is not in the page). */
    private static String chartJs() throws IOException {
        ClassLoader cl = HtmlReport.class.getClassLoader();
        Properties pom = new Properties();
        try (InputStream in = cl.getResourceAsStream(CHART_JS_POM)) {
            if (in == null) throw new IOException("Chart.js webjar is not on the class path (" + CHART_JS_POM + ")");
            pom.load(in);
        }
        String path = "META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist/chart.umd.min.js";
        String js = resource(cl.getResourceAsStream(path), path);
        return js.replaceAll("(?m)^//# sourceMappingURL=.*$", "").replace("</script", "<\\/script");
    }

    private static String resource(InputStream in, String name) throws IOException {
        if (in == null) throw new IOException("resource " + name + " is missing from the jar");
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonObject find(List<JsonObject> rs, String path, String shape) {
        for (JsonObject r : rs) {
            if (Objects.equals(text(r, "path"), path) && Objects.equals(text(r, "shape"), shape)) return r;
        }
        return null;
    }

    private static JsonArray pair(String k, String v) {
        JsonArray a = new JsonArray();
        a.add(k);
        a.add(v);
        return a;
    }

    private static String text(JsonObject r, String field) {
        JsonElement e = r.get(field);
        return e == null || e.isJsonNull() ? null : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    private static Double number(JsonObject r, String field) {
        JsonElement e = r.get(field);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsDouble();
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
