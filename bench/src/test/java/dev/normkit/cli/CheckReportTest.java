package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.normkit.Shape;
import dev.normkit.conformance.CheckResult;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckReportTest {

    private static final CheckResult PASS = new CheckResult(KernelId.LAYER_NORM, Direction.FORWARD, Shape.of(3, 17),
            "vector", "normal", 2.5e-7, 1.2e-6, 3, 1e-5, true, "");
    private static final CheckResult FAIL = new CheckResult(KernelId.LAYER_NORM, Direction.FORWARD, Shape.of(3, 17),
            "vector", "nan_inf", Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, 1e-5, false,
            "NaN must propagate");

    @Test
    void tableHasOneLinePerCheckWithPassOrFail() {
        List<String> lines = CheckReport.table(List.of(PASS, FAIL)).lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("kernel") && lines.get(0).contains("tolerance"), lines.get(0));
        assertTrue(lines.get(1).contains("normal") && lines.get(1).contains("1.2e-06") && lines.get(1).endsWith("ok"),
                lines.get(1));
        assertTrue(lines.get(2).contains("nan_inf") && lines.get(2).contains("inf") && lines.get(2).endsWith("FAIL"),
                lines.get(2));
    }

    @Test
    void failuresCarryTheirNote() {
        String f = CheckReport.failures(List.of(PASS, FAIL));
        assertEquals(1, f.lines().count());
        assertTrue(f.contains("nan_inf") && f.contains("NaN must propagate"), f);
        assertEquals(1, CheckReport.failed(List.of(PASS, FAIL)));
    }

    @Test
    void summaryCountsPassedChecksPerKernelDirectionAndPath() {
        String s = CheckReport.summary(List.of(PASS, FAIL));
        List<String> lines = s.lines().toList();
        assertEquals(2, lines.size(), s);
        assertTrue(lines.get(1).contains("1/2") && lines.get(1).endsWith("FAIL"), lines.get(1));
    }

    @Test
    void jsonRecordsHaveTheDocumentedFieldsAndNullForNonFiniteNumbers() {
        JsonArray a = CheckReport.json(List.of(PASS, FAIL));
        assertEquals(2, a.size());
        JsonObject p = a.get(0).getAsJsonObject();
        assertEquals(List.of("kernel", "direction", "shape", "path", "inputs", "max_abs", "max_rel", "ulp",
                "tolerance", "pass", "note"), List.copyOf(p.keySet()));
        assertEquals("layer_norm", p.get("kernel").getAsString());
        assertEquals("3x17", p.get("shape").getAsString());
        assertEquals(1.2e-6, p.get("max_rel").getAsDouble());
        assertTrue(p.get("pass").getAsBoolean());
        JsonObject f = a.get(1).getAsJsonObject();
        assertTrue(f.get("max_abs").isJsonNull() && f.get("ulp").isJsonNull());
        assertEquals("NaN must propagate", f.get("note").getAsString());
    }
}
