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
    private static final BenchResult COPY = new BenchResult("copy", "forward", S, "vector", 1, 100, 1, 2000);
    private static final BenchResult SCALAR = new BenchResult("relu", "forward", S, "scalar", 1, 1000, 10, 1000);
    private static final BenchResult VECTOR = new BenchResult("relu", "forward", S, "vector", 1, 100, 3, 1000);
    private static final BenchResult ONEDNN = new BenchResult("relu", "forward", S, "onednn", 1, 200, 8, 1000);

    private final BenchReport report = new BenchReport(List.of(COPY, SCALAR, VECTOR, ONEDNN));

    @Test
    void gigabytesPerSecondCountsEveryThread() {
        assertEquals(10.0, VECTOR.gbps(), 1e-12);
        assertEquals(20.0, new BenchResult("relu", "forward", S, "vector", 2, 100, 3, 1000).gbps(), 1e-12);
        assertEquals(3.0, VECTOR.errorPct(), 1e-12);
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
    void jsonHasOneRecordPerResultWithRatiosAsFields() {
        JsonArray a = report.json();
        assertEquals(4, a.size());
        JsonObject copy = a.get(0).getAsJsonObject();
        assertEquals("copy", copy.get("kernel").getAsString());
        assertTrue(copy.get("vs_copy").isJsonNull());
        JsonObject vector = a.get(2).getAsJsonObject();
        assertEquals(List.of("kernel", "direction", "shape", "path", "threads", "gbps", "ns_per_op", "error_pct",
                "bytes_per_op", "vs_copy", "vs_scalar", "vs_onednn"), List.copyOf(vector.keySet()));
        assertEquals("vector", vector.get("path").getAsString());
        assertEquals(10.0, vector.get("gbps").getAsDouble(), 1e-12);
        assertEquals(0.5, vector.get("vs_copy").getAsDouble(), 1e-12);
        assertEquals(10.0, vector.get("vs_scalar").getAsDouble(), 1e-12);
        assertEquals(2.0, vector.get("vs_onednn").getAsDouble(), 1e-12);
    }
}
