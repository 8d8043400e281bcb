package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.normkit.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static final Shape S = Shape.of(64, 1024);

    // 1000 bytes per call: scalar 1 GB/s, vector 10 GB/s, onednn 5 GB/s; the copy moves 2000 bytes in 100 ns: 20 GB/s.
    private static final BenchResult COPY = new BenchResult("copy", "forward", S, "vector", 1, 1, 100, 1, 2000);
    private static final BenchResult SCALAR = new BenchResult("relu", "forward", S, "scalar", 1, 1, 1000, 10, 1000);
    private static final BenchResult VECTOR = new BenchResult("relu", "forward", S, "vector", 1, 1, 100, 3, 1000);
    private static final BenchResult ONEDNN = new BenchResult("relu", "forward", S, "onednn", 1, 1, 200, 8, 1000);

    private final BenchReport report = new BenchReport(List.of(COPY, SCALAR, VECTOR, ONEDNN));

    @Test
    void gigabytesPerSecondCountsEveryCallerNotTheThreadsOfOneCall() {
        assertEquals(10.0, VECTOR.gbps(), 1e-12);
        assertEquals(20.0, new BenchResult("relu", "forward", S, "vector", 1, 2, 100, 3, 1000).gbps(), 1e-12);
        assertEquals(10.0, new BenchResult("relu", "forward", S, "vector", 2, 1, 100, 3, 1000).gbps(), 1e-12);
        assertEquals(3.0, VECTOR.errorPct(), 1e-12);
    }

    @Test
    void scalingIsOverTheSamePathAtOneThreadAndRatiosStayWithinOneThreadCount() {
        BenchResult vector2 = new BenchResult("relu", "forward", S, "vector", 2, 1, 50, 2, 1000); // 20 GB/s, 4%
        BenchResult onednn2 = new BenchResult("relu", "forward", S, "onednn", 2, 1, 125, 3.75, 1000); // 8 GB/s, 3%
        BenchReport r = new BenchReport(List.of(COPY, SCALAR, VECTOR, ONEDNN, vector2, onednn2));
        assertEquals(2.0, r.scaling(vector2).value(), 1e-12);
        assertEquals(5.0, r.scaling(vector2).errorPct(), 1e-12); // sqrt(4^2 + 3^2)
        assertEquals(1.6, r.scaling(onednn2).value(), 1e-12);
        assertEquals(1.0, r.scaling(VECTOR).value(), 1e-12);
        assertEquals(2.5, r.vsOnednn(vector2).value(), 1e-12, "against onednn at 2 threads, not at 1");
        assertEquals(null, r.vsScalar(vector2), "no scalar at 2 threads");
        assertEquals(null, r.vsCopy(vector2), "the copy roof is single-threaded");
        assertEquals(0.5, r.vsCopy(VECTOR).value(), 1e-12);
        JsonObject record = r.json().get(5).getAsJsonObject();
        assertEquals(2, record.get("threads").getAsInt());
        assertEquals(1, record.get("callers").getAsInt());
        assertEquals(1.6, record.get("scaling").getAsDouble(), 1e-12);
        assertTrue(record.get("vs_copy").isJsonNull());
        List<String> lines = r.ratios().lines().toList();
        assertEquals(3, lines.size(), r.ratios());
        assertTrue(lines.get(0).contains("vector scaling") && lines.get(0).contains("onednn scaling"), lines.get(0));
        assertTrue(lines.get(2).contains("2.50 ±5.0%") && lines.get(2).contains("2.00 ±5.0%")
                && lines.get(2).contains("1.60 ±5.0%"), lines.get(2));
    }

    @Test
    void withoutOneThreadThereIsNoScalingAndCallersAreNotThreads() {
        BenchResult vector2 = new BenchResult("relu", "forward", S, "vector", 2, 1, 50, 2, 1000);
        BenchResult callers2 = new BenchResult("relu", "forward", S, "vector", 1, 2, 100, 3, 1000);
        BenchResult copy2 = new BenchResult("copy", "forward", S, "vector", 1, 2, 400, 1, 2000); // 10 GB/s
        BenchReport r = new BenchReport(List.of(vector2, callers2, copy2, COPY));
        assertEquals(null, r.scaling(vector2));
        assertEquals(1.0, r.scaling(callers2).value(), 1e-12, "1 thread per call: over itself");
        assertEquals(2.0, r.vsCopy(callers2).value(), 1e-12, "against the copy roof with 2 callers");
        assertTrue(r.json().get(2).getAsJsonObject().get("scaling").isJsonNull());
    }

    @Test
    void ratiosAreTakenOnTheSameShapeWithErrorsInQuadrature() {
        BenchReport.Ratio vo = report.vsOnednn(VECTOR);
        assertEquals(2.0, vo.value(), 1e-12);
        assertEquals(5.0, vo.errorPct(), 1e-12); // sqrt(3^2 + 4^2)
        assertEquals(10.0, report.vsScalar(VECTOR).value(), 1e-12);
        assertEquals(0.5, report.vsCopy(VECTOR).value(), 1e-12);
        assertEquals(0.25, report.vsCopy(ONEDNN).value(), 1e-12);
    }

    @Test
    void noRatioAgainstItselfOrAMissingPath() {
        assertEquals(null, report.vsScalar(SCALAR));
        assertEquals(null, report.vsOnednn(ONEDNN));
        BenchReport onlyScalar = new BenchReport(List.of(SCALAR));
        assertEquals(null, onlyScalar.vsOnednn(SCALAR));
        assertEquals(null, onlyScalar.vsCopy(SCALAR));
    }

    @Test
    void ratioTableShowsVectorOverOnednnAndOverScalar() {
        List<String> lines = report.ratios().lines().toList();
        assertEquals(2, lines.size(), report.ratios());
        assertTrue(lines.get(0).contains("vector/onednn") && lines.get(0).contains("vector/scalar"), lines.get(0));
        assertTrue(lines.get(1).contains("2.00 ±5.0%") && lines.get(1).contains("10.00"), lines.get(1));
    }

    @Test
    void aFloatArrayPathIsComparedWithItsPathOnNativeSegments() {
        BenchResult heap = new BenchResult("relu", "forward", S, "vector-array", 1, 1, 125, 3, 1000); // 8 GB/s, 2.4%
        BenchReport withHeap = new BenchReport(List.of(COPY, SCALAR, VECTOR, ONEDNN, heap));
        assertEquals(0.8, withHeap.vsNative(heap).value(), 1e-12);
        assertEquals(null, withHeap.vsNative(VECTOR));
        assertEquals(0.8, withHeap.json().get(4).getAsJsonObject().get("vs_native").getAsDouble(), 1e-12);
        assertTrue(withHeap.ratios().lines().skip(1).findFirst().orElseThrow().endsWith("0.80 ±3.8%"),
                withHeap.ratios());
    }

    @Test
    void jsonHasOneRecordPerResultWithRatiosAsFields() {
        JsonArray a = report.json();
        assertEquals(4, a.size());
        JsonObject copy = a.get(0).getAsJsonObject();
        assertEquals("copy", copy.get("kernel").getAsString());
        assertTrue(copy.get("vs_copy").isJsonNull());
        JsonObject vector = a.get(2).getAsJsonObject();
        assertEquals(List.of("kernel", "direction", "shape", "layout", "path", "threads", "callers", "gbps",
                "ns_per_op", "error_pct", "bytes_per_op", "vs_copy", "vs_scalar", "vs_onednn", "vs_native", "scaling",
                "unstable"), List.copyOf(vector.keySet()));
        assertTrue(vector.get("layout").isJsonNull(), "relu has no channel layout");
        assertTrue(vector.get("unstable").isJsonNull(), "3% error, one fork: stable");
        assertTrue(vector.get("vs_native").isJsonNull(), "a native path has no vs_native");
        assertEquals("vector", vector.get("path").getAsString());
        assertEquals(10.0, vector.get("gbps").getAsDouble(), 1e-12);
        assertEquals(0.5, vector.get("vs_copy").getAsDouble(), 1e-12);
        assertEquals(10.0, vector.get("vs_scalar").getAsDouble(), 1e-12);
        assertEquals(2.0, vector.get("vs_onednn").getAsDouble(), 1e-12);
    }

    @Test
    void anErrorAboveFifteenPercentIsUnstable() {
        assertEquals(null, new BenchResult("relu", "forward", S, "vector", 1, 1, 100, 15, 1000).instability());
        BenchResult noisy = new BenchResult("relu", "forward", S, "vector", 1, 1, 100, 38, 1000);
        assertEquals("error 38% > 15%", noisy.instability());
        assertEquals(null, new BenchResult("relu", "forward", S, "vector", 1, 1, 100, Double.NaN, 1000).instability(),
                "no error known: nothing to flag");
    }

    @Test
    void forksThatDisagreeAreUnstableEvenWhenThePooledErrorIsSmall() {
        BenchResult agree = new BenchResult("relu", "forward", S, "vector", 1, 1, 105, 5, 1000, List.of(100.0, 110.0));
        assertEquals(null, agree.instability());
        BenchResult split = new BenchResult("relu", "forward", S, "vector", 1, 1, 150, 5, 1000,
                List.of(100.0, 200.0, 150.0));
        assertEquals("forks disagree: 100.0 to 200.0 ns/op (+100%)", split.instability());
        BenchResult both = new BenchResult("relu", "forward", S, "vector", 1, 1, 150, 40, 1000, List.of(100.0, 200.0));
        assertEquals("error 27% > 15%; forks disagree: 100.0 to 200.0 ns/op (+100%)", both.instability());
    }

    @Test
    void anUnstableResultIsMarkedInTheTableTheRatiosAndTheJson() {
        BenchResult noisy = new BenchResult("relu", "forward", S, "vector", 1, 1, 100, 38, 1000);
        BenchReport r = new BenchReport(List.of(COPY, SCALAR, noisy, ONEDNN));
        assertEquals(1, r.unstableCount());
        String vectorLine = r.table().lines().filter(l -> l.contains(" vector ") && l.startsWith("relu"))
                .findFirst().orElseThrow();
        assertTrue(vectorLine.endsWith("! error 38% > 15%"), vectorLine);
        String onednnLine = r.table().lines().filter(l -> l.contains(" onednn ")).findFirst().orElseThrow();
        assertTrue(onednnLine.endsWith("0.25"), "a stable result has no mark: " + onednnLine);
        String ratioLine = r.ratios().lines().skip(1).findFirst().orElseThrow();
        assertTrue(ratioLine.contains("2.00 ±38.2% !"), ratioLine);
        assertEquals("error 38% > 15%", r.json().get(2).getAsJsonObject().get("unstable").getAsString());
    }

    @Test
    void ratiosPairResultsOfTheSameLayoutOnly() {
        Shape s = Shape.of(8, 16, 5, 7);
        List<BenchResult> rs = List.of(
                new BenchResult("batch_norm", "forward", s, "vector", 1, 1, 100, 3, 1000, List.of(), "nchw"),
                new BenchResult("batch_norm", "forward", s, "onednn", 1, 1, 400, 3, 1000, List.of(), "nchw"),
                new BenchResult("batch_norm", "forward", s, "vector", 1, 1, 100, 3, 1000, List.of(), "nhwc"),
                new BenchResult("batch_norm", "forward", s, "onednn", 1, 1, 200, 3, 1000, List.of(), "nhwc"));
        BenchReport r = new BenchReport(rs);
        JsonArray a = r.json();
        assertEquals(4.0, a.get(0).getAsJsonObject().get("vs_onednn").getAsDouble(), 1e-12);
        assertEquals(2.0, a.get(2).getAsJsonObject().get("vs_onednn").getAsDouble(), 1e-12);
        assertEquals("nhwc", a.get(2).getAsJsonObject().get("layout").getAsString());
        String ratios = r.ratios();
        assertTrue(ratios.lines().anyMatch(l -> l.matches("batch_norm +forward +8x16x5x7 +nhwc +1 +1 +2\\.00 .*")),
                ratios);
        assertTrue(ratios.lines().anyMatch(l -> l.matches("batch_norm +forward +8x16x5x7 +nchw +1 +1 +4\\.00 .*")),
                ratios);
    }
}
