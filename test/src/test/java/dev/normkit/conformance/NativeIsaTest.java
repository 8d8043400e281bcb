package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backends;
import dev.normkit.onednn.dnnl.DnnlInfo;
import org.junit.jupiter.api.Test;

/**
 * The default test JVM runs oneDNN uncapped, at the best ISA the CPU offers, and the vector path unforced: the
 * conformance suite of that run is the one for this machine's native ISA. The capped and forced runs are
 * {@link OneDnnIsaConformanceTest} and {@link ForcedWidthConformanceTest}.
 */
class NativeIsaTest {

    @Test
    void oneDnnRunsAtTheCpusBestIsa() {
        assertNull(System.getenv("ONEDNN_MAX_CPU_ISA"), "the default run must not cap oneDNN's ISA");
        String isa = DnnlInfo.cpuIsa();
        if (CpuFlags.hasAvx512Core()) {
            assertTrue(isa.startsWith("avx512_core"), () -> "AVX-512 CPU, oneDNN runs " + isa);
        } else if (CpuFlags.has("avx2")) {
            assertTrue(isa.startsWith("avx2"), () -> "AVX2 CPU, oneDNN runs " + isa);
        }
    }

    @Test
    void theVectorPathRunsAtTheJvmsPreferredWidth() {
        assertNull(System.getProperty("normkit.vector.bits"), "the default run must not force a vector width");
        String description = Backends.get("vector").description();
        assertTrue(!description.contains("forced"), description);
    }
}
