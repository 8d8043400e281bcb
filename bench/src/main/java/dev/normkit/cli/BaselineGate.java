package dev.normkit.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The regression gate of {@code bench --baseline} and {@code compare --baseline}: each benchmark record is matched
 * with the baseline record of the same kernel, direction, shape, path, threads per call and callers, and its GB/s
 * compared. A record without callers predates one call on several threads: its threads were callers.
 *
 * <p>A change counts only when it exceeds both the noise of the two runs (their JMH errors, as GB/s, added in
 * quadrature) and {@value #MIN_CHANGE_PCT}% of the baseline: a drop beyond both is a regression, a rise beyond both an
 * improvement. A record without a JMH error (one measured iteration) counts as noiseless. Records are read by field
 * name, so fields added to them later change nothing here.
 */
final class BaselineGate {

    /** The smallest change, in percent of the baseline's GB/s, that counts, however quiet both runs were. */
    static final int MIN_CHANGE_PCT = 10;

    /**
     * One matched pair: the baseline's and this run's GB/s with their JMH errors in percent. {@code copy} marks the
     * copy roof: the machine's memory speed, not the build's, so it is reported but never fails the gate.
     */
    record Change(String key, boolean copy, double oldGbps, double oldErrorPct, double newGbps, double newErrorPct) {
        /** The two runs' noise in GB/s: each GB/s times its relative JMH error, added in quadrature. */
        double noiseGbps() {
            double a = oldGbps * finiteOrZero(oldErrorPct) / 100;
            double b = newGbps * finiteOrZero(newErrorPct) / 100;
            return Math.sqrt(a * a + b * b);
        }

        double changePct() {
            return 100 * (newGbps - oldGbps) / oldGbps;
        }

        boolean counts() {
            return Math.abs(newGbps - oldGbps) > noiseGbps() && Math.abs(changePct()) >= MIN_CHANGE_PCT;
        }

        boolean isRegression() {
            return !copy && newGbps < oldGbps && counts();
        }

        boolean isImprovement() {
            return !copy && newGbps > oldGbps && counts();
        }
    }

    private final List<Change> changes = new ArrayList<>();
    private final List<String> unmatched = new ArrayList<>();

    /** Compares {@code current} with {@code baseline}, both arrays of benchmark records. */
    BaselineGate(JsonArray current, JsonArray baseline) {
        Map<String, JsonObject> old = new LinkedHashMap<>();
        for (JsonElement e : baseline) old.put(key(e.getAsJsonObject()), e.getAsJsonObject());
        for (JsonElement e : current) {
            JsonObject r = e.getAsJsonObject();
            String key = key(r);
            JsonObject o = old.get(key);
            Double newGbps = number(r, "gbps");
            Double oldGbps = o == null ? null : number(o, "gbps");
            if (oldGbps == null || newGbps == null || oldGbps <= 0) {
                unmatched.add(key);
                continue;
            }
            changes.add(new Change(key, BenchResult.COPY.equals(text(r, "kernel")), oldGbps, nanIfNull(number(o, "error_pct")), newGbps,
                    nanIfNull(number(r, "error_pct"))));
        }
    }

    /**
     * Reads a baseline: a JSON array of benchmark records as {@code bench --json} writes them.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or is not such an array
     */
    static JsonArray read(Path file) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file));
            if (!e.isJsonArray()) {
                throw new IllegalArgumentException("baseline " + file + ": expected a JSON array of benchmark records");
            }
            for (JsonElement r : e.getAsJsonArray()) {
                if (!r.isJsonObject() || !r.getAsJsonObject().has("gbps")) {
                    throw new IllegalArgumentException("baseline " + file + ": a record without gbps: " + r);
                }
            }
            return e.getAsJsonArray();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("baseline " + file + ": no such file", e);
        } catch (IOException | JsonParseException e) {
            throw new IllegalArgumentException("baseline " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** {@link #read} for a command's {@code --baseline} option: a bad file is a usage error (exit status 2). */
    static JsonArray readOption(CommandSpec spec, Path file) {
        try {
            return read(file);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--baseline: " + e.getMessage());
        }
    }

    List<Change> regressions() {
        return changes.stream().filter(Change::isRegression).toList();
    }

    List<Change> improvements() {
        return changes.stream().filter(Change::isImprovement).toList();
    }

    /** Prints every regression and improvement and a summary line; returns 1 on any regression, else 0. */
    int report(PrintWriter out) {
        List<Change> worse = regressions();
        List<Change> better = improvements();
        if (!worse.isEmpty()) {
            out.println("Regressions (GB/s fell by more than both runs' noise and by at least "
                    + MIN_CHANGE_PCT + "%):");
            out.print(table(worse));
        }
        if (!better.isEmpty()) {
            out.println("Improvements (GB/s rose by more than both runs' noise and by at least "
                    + MIN_CHANGE_PCT + "%):");
            out.print(table(better));
        }
        for (Change c : changes) {
            if (c.copy() && c.counts()) {
                out.println("baseline: the copy roof " + c.key() + " moved " + Numbers.percent(c.changePct())
                        + "% (" + Numbers.fixed(c.oldGbps()) + " -> " + Numbers.fixed(c.newGbps())
                        + " GB/s): the machine's memory speed changed, so kernel changes may be the machine's too");
            }
        }
        for (String k : unmatched) out.println("baseline: no baseline record for " + k);
        out.println("baseline: " + changes.size() + " records compared, " + worse.size() + " regression(s), "
                + better.size() + " improvement(s), " + changes.stream().filter(c -> !c.counts()).count()
                + " within noise");
        out.flush();
        return worse.isEmpty() ? 0 : 1;
    }

    private static String table(List<Change> cs) {
        TextTable t = new TextTable("kernel direction shape path threads callers", ">old GB/s", ">new GB/s",
                ">change %", ">noise GB/s");
        for (Change c : cs) {
            t.row(c.key(), Numbers.fixed(c.oldGbps()), Numbers.fixed(c.newGbps()), Numbers.percent(c.changePct()),
                    Numbers.fixed(c.noiseGbps()));
        }
        return t.render();
    }

    private static String key(JsonObject r) {
        boolean old = !r.has("callers");
        return text(r, "kernel") + " " + text(r, "direction") + " " + text(r, "shape") + layoutKey(r) + " "
                + text(r, "path") + " " + (old ? "1" : text(r, "threads")) + " " + text(r, old ? "threads" : "callers");
    }

    /**
     * " nhwc" for a channels-last record, else nothing: records from before the layout field are in their shape's own
     * layout (nchw or nc), so those match them.
     */
    private static String layoutKey(JsonObject r) {
        String layout = text(r, "layout");
        return layout.equals("nhwc") ? " nhwc" : "";
    }

    private static String text(JsonObject r, String field) {
        JsonElement e = r.get(field);
        return e == null || e.isJsonNull() ? "-" : e.getAsString();
    }

    private static Double number(JsonObject r, String field) {
        JsonElement e = r.get(field);
        return e == null || e.isJsonNull() ? null : e.getAsDouble();
    }

    private static double nanIfNull(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static double finiteOrZero(double d) {
        return Double.isFinite(d) ? d : 0;
    }
}
