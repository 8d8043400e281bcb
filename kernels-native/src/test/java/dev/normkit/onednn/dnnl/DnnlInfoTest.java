package dev.normkit.onednn.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.dnnl.Dnnl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DnnlInfoTest {

    @Test
    void reportsOneDnn313() {
        assertTrue(DnnlInfo.version().matches("3\\.13\\.\\d+"), DnnlInfo.version());
    }

    /** The ISA oneDNN picks must be one this CPU has, and the best of the families normkit cares about. */
    @Test
    void effectiveIsaAgreesWithTheCpuFlags() throws IOException {
        Set<String> flags = cpuFlags();
        String isa = DnnlInfo.cpuIsa();
        assertFalse(isa.startsWith("isa_0x"), "unnamed ISA value: " + isa);
        boolean avx512Core = flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"));
        if (avx512Core) {
            assertTrue(isa.startsWith("avx512_core") || isa.startsWith("avx10"), isa + " on an AVX-512 CPU");
        } else if (flags.contains("avx2")) {
            assertTrue(isa.startsWith("avx2"), isa + " on an AVX2 CPU without AVX-512");
        } else {
            assertFalse(isa.startsWith("avx2") || isa.startsWith("avx512"), isa + " on a CPU without AVX2");
        }
    }

    @Test
    void isaValuesWithTwoNamesUseTheEstablishedOne() {
        OneDnnLibrary.require();
        assertEquals("avx512_core_fp16", DnnlInfo.isaName(Dnnl.dnnl_cpu_isa_avx10_1_512()));
        assertEquals("avx512_core_amx", DnnlInfo.isaName(Dnnl.dnnl_cpu_isa_avx10_1_512_amx()));
        assertEquals("isa_0x12345", DnnlInfo.isaName(0x12345));
    }

    private static Set<String> cpuFlags() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("flags"))
                .findFirst()
                .map(line -> Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                        .collect(Collectors.toSet()))
                .orElseThrow(() -> new AssertionError("no flags line in /proc/cpuinfo"));
    }
}
