package dev.normkit.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.normkit.conformance.CheckResult;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints conformance results: one line per check, a per-path summary, and the JSON records. */
final class CheckReport {
    private CheckReport() {}

    /** One row per check: kernel, direction, shape, path, inputs, max abs, max rel, ulp, tolerance, pass. */
    static String table(List<CheckResult> results) {
        TextTable t = new TextTable("kernel", "direction", "shape", "path", "inputs", ">max abs", ">max rel", ">ulp",
                ">tolerance", "pass");
        for (CheckResult r : results) {
            t.row(r.kernel(), r.direction(), r.shape(), r.path(), r.inputs(), Numbers.sci(r.maxAbs()),
                    Numbers.sci(r.maxRel()), Numbers.ulp(r.ulp()), Numbers.sci(r.tolerance()), r.pass() ? "ok" : "FAIL");
        }
        return t.render();
    }

    /**
     * One row per kernel, direction and path: how many checks passed, and the worst error over all shapes and inputs
     * (max rel as a fraction of its tolerance, so 1.00 is the limit).
     */
    static String summary(List<CheckResult> results) {
        record Key(KernelId kernel, Direction direction, String path) {}
        final class Worst {
            int checks;
            int passed;
            double relOfTolerance;
            double maxRel;
            double ulp;
        }
        Map<Key, Worst> groups = new LinkedHashMap<>();
        for (CheckResult r : results) {
            Worst w = groups.computeIfAbsent(new Key(r.kernel(), r.direction(), r.path()), k -> new Worst());
            w.checks++;
            if (r.pass()) w.passed++;
            w.relOfTolerance = worse(w.relOfTolerance, r.tolerance() > 0 ? r.maxRel() / r.tolerance() : r.maxRel());
            w.maxRel = worse(w.maxRel, r.maxRel());
            w.ulp = worse(w.ulp, r.ulp());
        }
        TextTable t = new TextTable("kernel", "direction", "path", ">passed", ">worst max rel", ">of tolerance",
                ">worst ulp", "pass");
        groups.forEach((k, w) -> t.row(k.kernel(), k.direction(), k.path(), w.passed + "/" + w.checks,
                Numbers.sci(w.maxRel), Numbers.fixed(w.relOfTolerance), Numbers.ulp(w.ulp),
                w.passed == w.checks ? "ok" : "FAIL"));
        return t.render();
    }

    /** The failing checks with their notes, one per line; empty when all pass. */
    static String failures(List<CheckResult> results) {
        StringBuilder b = new StringBuilder();
        for (CheckResult r : results) {
            if (r.pass()) continue;
            b.append("FAIL ").append(r.kernel()).append(' ').append(r.direction()).append(' ').append(r.shape())
                    .append(' ').append(r.path()).append(' ').append(r.inputs())
                    .append(": max rel ").append(Numbers.sci(r.maxRel()))
                    .append(" > tolerance ").append(Numbers.sci(r.tolerance()));
            if (r.note() != null && !r.note().isEmpty()) b.append(" (").append(r.note()).append(')');
            b.append('\n');
        }
        return b.toString();
    }

    static long failed(List<CheckResult> results) {
        return results.stream().filter(r -> !r.pass()).count();
    }

    /**
     * Records with fields kernel, direction, shape, path, inputs, max_abs, max_rel, ulp, tolerance, pass, note;
     * non-finite numbers are {@code null}.
     */
    static JsonArray json(List<CheckResult> results) {
        JsonArray a = new JsonArray();
        for (CheckResult r : results) {
            JsonObject o = new JsonObject();
            o.addProperty("kernel", r.kernel().label());
            o.addProperty("direction", r.direction().label());
            o.addProperty("shape", r.shape().toString());
            o.addProperty("path", r.path());
            o.addProperty("inputs", r.inputs());
            Json.number(o, "max_abs", r.maxAbs());
            Json.number(o, "max_rel", r.maxRel());
            Json.number(o, "ulp", r.ulp());
            Json.number(o, "tolerance", r.tolerance());
            o.addProperty("pass", r.pass());
            o.addProperty("note", r.note() == null ? "" : r.note());
            a.add(o);
        }
        return a;
    }

    /** NaN counts as worst: a NaN error must not hide behind a finite one. */
    private static double worse(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.NaN;
        return Math.max(a, b);
    }
}
