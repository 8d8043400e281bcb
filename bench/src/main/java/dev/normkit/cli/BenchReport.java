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
import java.util.Objects;

/**
 * The speed report: GB/s per path, and the ratios that matter, each taken between results of the same run on the same
 * shape: vector/onednn, vector/scalar and kernel/copy (the kernel's GB/s over the copy roof's).
 */
final class BenchReport {

    /**
     * A ratio of two GB/s figures with its relative error (the two JMH errors added in quadrature), in percent, and
     * whether either side is unstable ({@link BenchResult#instability()}).
     */
    record Ratio(double value, double errorPct, boolean unstable) {
        static Ratio of(BenchResult num, BenchResult den) {
            if (num == null || den == null) return null;
            double e1 = num.errorPct();
            double e2 = den.errorPct();
            return new Ratio(num.gbps() / den.gbps(), Math.sqrt(e1 * e1 + e2 * e2),
                    num.instability() != null || den.instability() != null);
        }

        String text() {
            String v = Numbers.fixed(value);
            String t = Double.isFinite(errorPct) ? v + " ±" + Numbers.percent(errorPct) + "%" : v;
            return unstable ? t + " " + UNSTABLE_MARK : t;
        }
    }

    /** Marks an unstable result in the tables. */
    static final String UNSTABLE_MARK = "!";

    private record GroupKey(String kernel, String direction, Shape shape) {}

    private final List<BenchResult> kernels = new ArrayList<>();
    private final Map<Shape, BenchResult> copies = new LinkedHashMap<>();

    BenchReport(List<BenchResult> results) {
        for (BenchResult r : results) {
            if (r.isCopy()) {
                copies.put(r.shape(), r);
            } else {
                kernels.add(r);
            }
        }
    }

    /** The kernel result on {@code path} for the same kernel, direction and shape as {@code r}, or null. */
    private BenchResult sibling(BenchResult r, String path) {
        for (BenchResult o : kernels) {
            if (o.path().equals(path) && o.kernel().equals(r.kernel()) && o.direction().equals(r.direction())
                    && o.shape().equals(r.shape())) {
                return o;
            }
        }
        return null;
    }

    Ratio vsCopy(BenchResult r) {
        return Ratio.of(r, copies.get(r.shape()));
    }

    Ratio vsScalar(BenchResult r) {
        return r.path().equals("scalar") ? null : Ratio.of(r, sibling(r, "scalar"));
    }

    Ratio vsOnednn(BenchResult r) {
        return r.path().equals("onednn") ? null : Ratio.of(r, sibling(r, "onednn"));
    }

    /** For a {@code float[]} path: its GB/s over its path's on native segments; null for a native path. */
    Ratio vsNative(BenchResult r) {
        BenchPath p = BenchPath.byLabel(r.path());
        return p.heapArrays() ? Ratio.of(r, sibling(r, p.nativePath().label())) : null;
    }

    /**
     * Every result: GB/s, ns/op, JMH error and the ratio to the copy roof on the same shape; an unstable result is
     * marked {@value #UNSTABLE_MARK} and says why.
     */
    String table() {
        TextTable t = new TextTable("kernel", "direction", "shape", "path", ">GB/s", ">ns/op", ">err %", ">x copy",
                "unstable");
        for (BenchResult r : copies.values()) {
            t.row("copy roof", "", r.shape(), "vector", Numbers.fixed(r.gbps()), Numbers.nanos(r.nsPerOp()),
                    Numbers.percent(r.errorPct()), "1.00", instability(r));
        }
        for (BenchResult r : kernels) {
            Ratio c = vsCopy(r);
            t.row(r.kernel(), r.direction(), r.shape(), r.path(), Numbers.fixed(r.gbps()), Numbers.nanos(r.nsPerOp()),
                    Numbers.percent(r.errorPct()), c == null ? "-" : Numbers.fixed(c.value()), instability(r));
        }
        return t.render();
    }

    private static String instability(BenchResult r) {
        String why = r.instability();
        return why == null ? "" : UNSTABLE_MARK + " " + why;
    }

    /** How many results are unstable. */
    long unstableCount() {
        return copies.values().stream().filter(r -> r.instability() != null).count()
                + kernels.stream().filter(r -> r.instability() != null).count();
    }

    /**
     * Per kernel, direction and shape: vector/onednn, vector/scalar, vector and onednn over the copy roof, and the vector
     * path on {@code float[]} over itself on native segments.
     */
    String ratios() {
        Map<GroupKey, List<BenchResult>> groups = new LinkedHashMap<>();
        for (BenchResult r : kernels) {
            groups.computeIfAbsent(new GroupKey(r.kernel(), r.direction(), r.shape()), k -> new ArrayList<>()).add(r);
        }
        TextTable t = new TextTable("kernel", "direction", "shape", ">vector/onednn", ">vector/scalar",
                ">vector/copy", ">onednn/copy", ">vector-array/vector");
        groups.forEach((k, rs) -> {
            BenchResult vector = find(rs, "vector");
            BenchResult onednn = find(rs, "onednn");
            t.row(k.kernel(), k.direction(), k.shape(),
                    text(Ratio.of(vector, onednn)), text(Ratio.of(vector, find(rs, "scalar"))),
                    text(vector == null ? null : vsCopy(vector)), text(onednn == null ? null : vsCopy(onednn)),
                    text(Ratio.of(find(rs, "vector-array"), vector)));
        });
        return t.isEmpty() ? "" : t.render();
    }

    /**
     * Records with fields kernel, direction, shape, path, threads, gbps, ns_per_op, error_pct, bytes_per_op, and the
     * ratios of this record's GB/s to others measured in the same run on the same shape: vs_copy (the copy roof),
     * vs_scalar and vs_onednn (the same kernel and direction on that path), vs_native (a {@code float[]} path over its
     * path on native segments); {@code null} where there is none; and unstable: why the result is not one number
     * ({@link BenchResult#instability()}), {@code null} when it is. The copy
     * roof is the record with kernel {@code copy}, direction {@code forward}, path {@code vector}.
     */
    JsonArray json() {
        JsonArray a = new JsonArray();
        for (BenchResult r : copies.values()) a.add(record(r, null, null, null, null));
        for (BenchResult r : kernels) a.add(record(r, vsCopy(r), vsScalar(r), vsOnednn(r), vsNative(r)));
        return a;
    }

    private static JsonObject record(BenchResult r, Ratio copy, Ratio scalar, Ratio onednn, Ratio nativePath) {
        JsonObject o = new JsonObject();
        o.addProperty("kernel", r.kernel());
        o.addProperty("direction", r.direction());
        o.addProperty("shape", r.shape().toString());
        o.addProperty("path", r.path());
        o.addProperty("threads", r.threads());
        Json.number(o, "gbps", r.gbps());
        Json.number(o, "ns_per_op", r.nsPerOp());
        Json.number(o, "error_pct", r.errorPct());
        o.addProperty("bytes_per_op", r.bytesPerOp());
        Json.number(o, "vs_copy", copy == null ? null : copy.value());
        Json.number(o, "vs_scalar", scalar == null ? null : scalar.value());
        Json.number(o, "vs_onednn", onednn == null ? null : onednn.value());
        Json.number(o, "vs_native", nativePath == null ? null : nativePath.value());
        String why = r.instability();
        if (why == null) {
            o.add("unstable", JsonNull.INSTANCE);
        } else {
            o.addProperty("unstable", why);
        }
        return o;
    }

    private static BenchResult find(List<BenchResult> rs, String path) {
        return rs.stream().filter(r -> Objects.equals(r.path(), path)).findFirst().orElse(null);
    }

    private static String text(Ratio r) {
        return r == null ? "-" : r.text();
    }
}
