package dev.normkit.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.normkit.Shape;
import dev.normkit.bench.BenchPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code MixedMemoryBench} says about a kernel: per kernel, direction, shape and path, GB/s on native segments
 * and on {@code float[]}, each in a JVM that has seen only that kind and in one that has seen both, and the three
 * ratios issue 7 sets a floor of {@value #FLOOR} on: each kind after both over after one, and {@code float[]} over
 * native after both.
 */
final class MixedReport {

    /** The least ratio issue 7 accepts. */
    static final double FLOOR = 0.9;

    private record Key(String kernel, String direction, Shape shape, String path) {}

    /** The four trials of one kernel direction, shape and path; null where one produced no result. */
    private static final class Group {
        BenchResult nativeOne;
        BenchResult nativeBoth;
        BenchResult heapOne;
        BenchResult heapBoth;
    }

    private final Map<Key, Group> groups = new LinkedHashMap<>();
    private final List<MixedResult> results;

    MixedReport(List<MixedResult> results) {
        this.results = List.copyOf(results);
        for (MixedResult m : results) {
            BenchResult r = m.result();
            BenchPath path = BenchPath.byLabel(r.path());
            Group g = groups.computeIfAbsent(new Key(r.kernel(), r.direction(), r.shape(), path.nativePath().label()),
                    k -> new Group());
            if (path.heapArrays()) {
                if (m.seenBoth()) g.heapBoth = r; else g.heapOne = r;
            } else {
                if (m.seenBoth()) g.nativeBoth = r; else g.nativeOne = r;
            }
        }
    }

    /** One row per kernel direction, shape and path; ratios marked {@code !} where a side is unstable. */
    String table() {
        TextTable t = new TextTable("kernel", "direction", "shape", "path", ">native", ">native both",
                ">float[]", ">float[] both", ">native both/one", ">float[] both/one", ">float[]/native both",
                "verdict");
        groups.forEach((k, g) -> {
            BenchReport.Ratio nativeRatio = BenchReport.Ratio.of(g.nativeBoth, g.nativeOne);
            BenchReport.Ratio heapRatio = BenchReport.Ratio.of(g.heapBoth, g.heapOne);
            BenchReport.Ratio heapOverNative = BenchReport.Ratio.of(g.heapBoth, g.nativeBoth);
            t.row(k.kernel(), k.direction(), k.shape(), k.path(), gbps(g.nativeOne), gbps(g.nativeBoth),
                    gbps(g.heapOne), gbps(g.heapBoth), text(nativeRatio), text(heapRatio), text(heapOverNative),
                    verdict(nativeRatio, heapRatio, heapOverNative));
        });
        return t.render();
    }

    private static String gbps(BenchResult r) {
        return r == null ? "-" : Numbers.fixed(r.gbps());
    }

    private static String text(BenchReport.Ratio r) {
        return r == null ? "-" : r.text();
    }

    private static String verdict(BenchReport.Ratio... ratios) {
        for (BenchReport.Ratio r : ratios) {
            if (r == null) return "incomplete";
        }
        for (BenchReport.Ratio r : ratios) {
            if (r.value() < FLOOR) return "BELOW " + FLOOR;
        }
        return "ok";
    }

    /**
     * One record per trial: kernel, direction, shape, path (the {@code -array} twin for {@code float[]}), seen
     * ({@code one} or {@code both}), gbps, ns_per_op, error_pct, bytes_per_op, unstable, vs_seen_one (this GB/s over
     * the same kind's when the JVM had seen only it; {@code null} for those) and vs_native ({@code float[]} over
     * native segments, the JVM having seen the same; {@code null} for native records).
     */
    JsonArray json() {
        JsonArray a = new JsonArray();
        for (MixedResult m : results) {
            BenchResult r = m.result();
            BenchPath path = BenchPath.byLabel(r.path());
            Group g = groups.get(new Key(r.kernel(), r.direction(), r.shape(), path.nativePath().label()));
            BenchResult seenOne = path.heapArrays() ? g.heapOne : g.nativeOne;
            BenchResult nativeTwin = m.seenBoth() ? g.nativeBoth : g.nativeOne;
            JsonObject o = new JsonObject();
            o.addProperty("kernel", r.kernel());
            o.addProperty("direction", r.direction());
            o.addProperty("shape", r.shape().toString());
            o.addProperty("path", r.path());
            o.addProperty("seen", m.seenBoth() ? "both" : "one");
            Json.number(o, "gbps", r.gbps());
            Json.number(o, "ns_per_op", r.nsPerOp());
            Json.number(o, "error_pct", r.errorPct());
            o.addProperty("bytes_per_op", r.bytesPerOp());
            String why = r.instability();
            if (why == null) o.add("unstable", JsonNull.INSTANCE); else o.addProperty("unstable", why);
            BenchReport.Ratio vsOne = m.seenBoth() ? BenchReport.Ratio.of(r, seenOne) : null;
            BenchReport.Ratio vsNative = path.heapArrays() ? BenchReport.Ratio.of(r, nativeTwin) : null;
            Json.number(o, "vs_seen_one", vsOne == null ? null : vsOne.value());
            Json.number(o, "vs_native", vsNative == null ? null : vsNative.value());
            a.add(o);
        }
        return a;
    }

    /** Groups whose verdict is not ok, for the summary line. */
    List<String> below() {
        List<String> out = new ArrayList<>();
        groups.forEach((k, g) -> {
            String v = verdict(BenchReport.Ratio.of(g.nativeBoth, g.nativeOne), BenchReport.Ratio.of(g.heapBoth,
                    g.heapOne), BenchReport.Ratio.of(g.heapBoth, g.nativeBoth));
            if (!v.equals("ok")) out.add(k.kernel() + " " + k.direction() + " " + k.shape() + " on " + k.path() + ": "
                    + v);
        });
        return out;
    }
}
