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

    private record GroupKey(String kernel, String direction, Shape shape, String layout, int threads, int callers) {}

    private record CopyKey(Shape shape, int callers) {}

    private final List<BenchResult> kernels = new ArrayList<>();
    private final Map<CopyKey, BenchResult> copies = new LinkedHashMap<>();

    BenchReport(List<BenchResult> results) {
        for (BenchResult r : results) {
            if (r.isCopy()) {
                copies.put(new CopyKey(r.shape(), r.callers()), r);
            } else {
                kernels.add(r);
            }
        }
    }

    /**
     * The kernel result on {@code path} with {@code threads} threads per call for the same kernel, direction, shape and
     * callers as {@code r}, or null.
     */
    private BenchResult sibling(BenchResult r, String path, int threads) {
        for (BenchResult o : kernels) {
            if (o.path().equals(path) && o.threads() == threads && o.callers() == r.callers()
                    && o.kernel().equals(r.kernel()) && o.direction().equals(r.direction())
                    && o.shape().equals(r.shape()) && Objects.equals(o.layout(), r.layout())) {
                return o;
            }
        }
        return null;
    }

    private BenchResult sibling(BenchResult r, String path) {
        return sibling(r, path, r.threads());
    }

    /** Over the copy roof with the same callers; null for a call on several threads, as the roof is single-threaded. */
    Ratio vsCopy(BenchResult r) {
        return r.threads() == 1 ? Ratio.of(r, copies.get(new CopyKey(r.shape(), r.callers()))) : null;
    }

    /** GB/s over the same kernel, direction, shape, path and callers at 1 thread per call; null when not measured. */
    Ratio scaling(BenchResult r) {
        return Ratio.of(r, sibling(r, r.path(), 1));
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

    /** Whether some call ran on several threads: only then do the tables have scaling columns. */
    private boolean severalThreads() {
        return kernels.stream().anyMatch(r -> r.threads() > 1);
    }

    /**
     * Every result: GB/s, ns/op, JMH error, the ratio to the copy roof on the same shape and, when some call ran on
     * several threads, the scaling; an unstable result is marked {@value #UNSTABLE_MARK} and says why.
     */
    String table() {
        boolean scaling = severalThreads();
        List<String> head = new ArrayList<>(List.of("kernel", "direction", "shape", "layout", "path", ">threads",
                ">callers", ">GB/s", ">ns/op", ">err %", ">x copy"));
        if (scaling) head.add(">scaling");
        head.add("unstable");
        TextTable t = new TextTable(head.toArray(String[]::new));
        for (BenchResult r : copies.values()) {
            List<Object> row = new ArrayList<>(List.of("copy roof", "", r.shape(), "-", "vector", r.threads(), r.callers(),
                    Numbers.fixed(r.gbps()), Numbers.nanos(r.nsPerOp()), Numbers.percent(r.errorPct()), "1.00"));
            if (scaling) row.add("-");
            row.add(instability(r));
            t.row(row.toArray());
        }
        for (BenchResult r : kernels) {
            Ratio c = vsCopy(r);
            List<Object> row = new ArrayList<>(List.of(r.kernel(), r.direction(), r.shape(), layout(r), r.path(), r.threads(),
                    r.callers(), Numbers.fixed(r.gbps()), Numbers.nanos(r.nsPerOp()), Numbers.percent(r.errorPct()),
                    c == null ? "-" : Numbers.fixed(c.value())));
            if (scaling) {
                Ratio sc = scaling(r);
                row.add(sc == null ? "-" : Numbers.fixed(sc.value()));
            }
            row.add(instability(r));
            t.row(row.toArray());
        }
        return t.render();
    }

    private static String layout(BenchResult r) {
        return r.layout() == null ? "-" : r.layout();
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
     * Per kernel, direction, shape, threads and callers: vector/onednn, vector/scalar, vector and onednn over the copy
     * roof, the vector path on {@code float[]} over itself on native segments, and the scaling of vector and onednn
     * over themselves at 1 thread per call.
     */
    String ratios() {
        Map<GroupKey, List<BenchResult>> groups = new LinkedHashMap<>();
        for (BenchResult r : kernels) {
            groups.computeIfAbsent(new GroupKey(r.kernel(), r.direction(), r.shape(), r.layout(), r.threads(),
                    r.callers()),
                    k -> new ArrayList<>()).add(r);
        }
        boolean scaling = severalThreads();
        List<String> head = new ArrayList<>(List.of("kernel", "direction", "shape", "layout", ">threads", ">callers",
                ">vector/onednn", ">vector/scalar", ">vector/copy", ">onednn/copy", ">vector-array/vector"));
        if (scaling) head.addAll(List.of(">vector scaling", ">onednn scaling"));
        TextTable t = new TextTable(head.toArray(String[]::new));
        groups.forEach((k, rs) -> {
            BenchResult vector = find(rs, "vector");
            BenchResult onednn = find(rs, "onednn");
            List<Object> row = new ArrayList<>(List.of(k.kernel(), k.direction(), k.shape(),
                    k.layout() == null ? "-" : k.layout(), k.threads(), k.callers(),
                    text(Ratio.of(vector, onednn)), text(Ratio.of(vector, find(rs, "scalar"))),
                    text(vector == null ? null : vsCopy(vector)), text(onednn == null ? null : vsCopy(onednn)),
                    text(Ratio.of(find(rs, "vector-array"), vector))));
            if (scaling) {
                row.add(text(vector == null || k.threads() == 1 ? null : scaling(vector)));
                row.add(text(onednn == null || k.threads() == 1 ? null : scaling(onednn)));
            }
            t.row(row.toArray());
        });
        return t.isEmpty() ? "" : t.render();
    }

    /**
     * Records with fields kernel, direction, shape, layout (nchw, nhwc or nc for a channel kernel, else null), path, threads (per call), callers, gbps, ns_per_op, error_pct,
     * bytes_per_op, and the ratios of this record's GB/s to others measured in the same run on the same shape with the
     * same threads and callers: vs_copy (the single-threaded copy roof; 1-thread calls only), vs_scalar and vs_onednn
     * (the same kernel and direction on that path), vs_native (a {@code float[]} path over its path on native
     * segments); scaling (over the same kernel, direction, shape, path and callers at 1 thread); {@code null} where
     * there is none; and unstable: why the result is not one number
     * ({@link BenchResult#instability()}), {@code null} when it is. The copy
     * roof is the record with kernel {@code copy}, direction {@code forward}, path {@code vector}.
     */
    JsonArray json() {
        JsonArray a = new JsonArray();
        for (BenchResult r : copies.values()) a.add(record(r, null, null, null, null, null));
        for (BenchResult r : kernels) a.add(record(r, vsCopy(r), vsScalar(r), vsOnednn(r), vsNative(r), scaling(r)));
        return a;
    }

    private static JsonObject record(BenchResult r, Ratio copy, Ratio scalar, Ratio onednn, Ratio nativePath,
            Ratio scaling) {
        JsonObject o = new JsonObject();
        o.addProperty("kernel", r.kernel());
        o.addProperty("direction", r.direction());
        o.addProperty("shape", r.shape().toString());
        o.addProperty("layout", r.layout());
        o.addProperty("path", r.path());
        o.addProperty("threads", r.threads());
        o.addProperty("callers", r.callers());
        Json.number(o, "gbps", r.gbps());
        Json.number(o, "ns_per_op", r.nsPerOp());
        Json.number(o, "error_pct", r.errorPct());
        o.addProperty("bytes_per_op", r.bytesPerOp());
        Json.number(o, "vs_copy", copy == null ? null : copy.value());
        Json.number(o, "vs_scalar", scalar == null ? null : scalar.value());
        Json.number(o, "vs_onednn", onednn == null ? null : onednn.value());
        Json.number(o, "vs_native", nativePath == null ? null : nativePath.value());
        Json.number(o, "scaling", scaling == null ? null : scaling.value());
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
