package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.normkit.onednn.dnnl.DnnlInfo;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The onednn path under {@code ONEDNN_MAX_CPU_ISA}, oneDNN's own cap on the instruction set its JIT uses: run by the
 * {@code onednn-avx2} and {@code onednn-avx512-core} executions in test/pom.xml, so an AVX-512 machine also checks
 * the kernels an AVX2 machine runs (and the reverse cannot be had: an AVX2 CPU runs avx2 under either cap). The whole
 * default corpus, on the onednn path only: the special-value policy must hold on every ISA.
 */
class OneDnnIsaConformanceTest {

    private static final String CAP = System.getenv("ONEDNN_MAX_CPU_ISA");

    @Test
    void oneDnnRunsAtTheCappedIsaWhereTheCpuHasIt() {
        assertNotNull(CAP, "run with ONEDNN_MAX_CPU_ISA set (test/pom.xml does)");
        String cap = CAP.toLowerCase(Locale.ROOT);
        String expected = switch (cap) {
            case "avx2" -> "avx2";
            case "avx512_core" -> CpuFlags.hasAvx512Core() ? "avx512_core" : "avx2";
            default -> throw new AssertionError("no expectation for ONEDNN_MAX_CPU_ISA=" + CAP);
        };
        assertEquals(expected, DnnlInfo.cpuIsa(), "oneDNN's effective ISA under ONEDNN_MAX_CPU_ISA=" + CAP);
    }

    @TestFactory
    Stream<DynamicNode> oneDnnKernelsMatchTheReferenceAtTheCappedIsa() {
        return ConformanceTests.of(new Selection(List.of(), List.of("onednn"), List.of()));
    }
}
