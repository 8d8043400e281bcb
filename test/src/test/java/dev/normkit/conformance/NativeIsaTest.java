package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.normkit.onednn.dnnl.DnnlInfo;
import org.junit.jupiter.api.Test;

/**
 * The default test JVM runs oneDNN at the best ISA the CPU offers, so the conformance suite of that run is the one for
 * this machine's native ISA (unless whoever runs Maven caps it with {@code ONEDNN_MAX_CPU_ISA} on purpose). The capped
 * and forced runs are {@link OneDnnIsaConformanceTest} and {@link ForcedWidthConformanceTest}.
 */
class NativeIsaTest {

    @Test
    void oneDnnRunsAtTheCpusBestIsa() {
        assumeTrue(System.getenv("ONEDNN_MAX_CPU_ISA") == null, "oneDNN's ISA was capped for this whole build");
        String isa = DnnlInfo.cpuIsa();
        if (CpuFlags.hasAvx512Core()) {
            assertTrue(isa.startsWith("avx512_core"), () -> "AVX-512 CPU, oneDNN runs " + isa);
        } else if (CpuFlags.has("avx2")) {
            assertTrue(isa.startsWith("avx2"), () -> "AVX2 CPU, oneDNN runs " + isa);
        }
    }
}
