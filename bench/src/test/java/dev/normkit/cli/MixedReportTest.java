package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.normkit.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class MixedReportTest {

    private static final Shape S = Shape.of(64, 1024);

    /** 1000 bytes per call, so GB/s = 1000 / ns. */
    private static MixedResult trial(String path, boolean both, double ns) {
        return new MixedResult(new BenchResult("layer_norm", "forward", S, path, 1, 1, ns, ns * 0.03, 1000), both);
    }

    @Test
    void aKernelThatIgnoresWhatTheJvmHasSeenIsOk() {
        MixedReport r = new MixedReport(List.of(trial("vector", false, 100), trial("vector", true, 105),
                trial("vector-array", false, 104), trial("vector-array", true, 108)));
        String row = r.table().lines().skip(1).findFirst().orElseThrow();
        assertTrue(row.endsWith("ok"), row);
        assertEquals(List.of(), r.below());
    }

    @Test
    void aCollapseAfterBothKindsIsBelowTheFloorAndTheRecordsSayByHowMuch() {
        // Native 10 GB/s alone, 0.5 after both; float[] 8 GB/s alone, 4 after both.
        MixedReport r = new MixedReport(List.of(trial("vector", false, 100), trial("vector", true, 2000),
                trial("vector-array", false, 125), trial("vector-array", true, 250)));
        String row = r.table().lines().skip(1).findFirst().orElseThrow();
        assertTrue(row.contains("0.05 ±4.2%") && row.contains("0.50 ±4.2%") && row.contains("8.00 ±4.2%"), row);
        assertTrue(row.endsWith("BELOW 0.9"), row);
        assertEquals(List.of("layer_norm forward 64x1024 on vector: BELOW 0.9"), r.below());

        JsonArray a = r.json();
        JsonObject nativeBoth = a.get(1).getAsJsonObject();
        assertEquals("both", nativeBoth.get("seen").getAsString());
        assertEquals(0.05, nativeBoth.get("vs_seen_one").getAsDouble(), 1e-12);
        assertTrue(nativeBoth.get("vs_native").isJsonNull());
        JsonObject heapOne = a.get(2).getAsJsonObject();
        assertEquals("vector-array", heapOne.get("path").getAsString());
        assertTrue(heapOne.get("vs_seen_one").isJsonNull());
        assertEquals(0.8, heapOne.get("vs_native").getAsDouble(), 1e-12);
        assertEquals(8.0, a.get(3).getAsJsonObject().get("vs_native").getAsDouble(), 1e-12);
    }

    @Test
    void aMissingTrialMakesTheGroupIncomplete() {
        MixedReport r = new MixedReport(List.of(trial("vector", false, 100), trial("vector", true, 100)));
        assertTrue(r.table().lines().skip(1).findFirst().orElseThrow().endsWith("incomplete"), r.table());
    }
}
