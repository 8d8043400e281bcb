package dev.normkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.normkit.onednn.dnnl.DnnlInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record's hardware is this JVM's: the CPU model, the JDK, oneDNN's ISA and the vector width that run here. */
class HardwareTest {

    @Test
    void detectReportsTheJdkOnednnIsaAndVectorWidthOfThisJvm() {
        Hardware h = Hardware.detect();
        assertEquals(Runtime.version().toString(), h.jdk());
        // The build runs these tests with the vector module and oneDNN on x86-64 Linux.
        String forced = System.getProperty("normkit.vector.bits");
        int bits = forced == null ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : Integer.parseInt(forced);
        assertEquals(bits, h.vectorBits());
        assertEquals(DnnlInfo.cpuIsa(), h.onednnIsa());
        String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (cap != null && cap.equalsIgnoreCase("AVX2")) assertEquals("avx2", h.onednnIsa());
        if (Files.isReadable(Path.of("/proc/cpuinfo"))) assertNotNull(h.cpu(), "Linux names the CPU model");
    }

    @Test
    void cpuModelIsTheFirstModelNameOfCpuinfo(@TempDir Path dir) throws Exception {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.write(cpuinfo, List.of("processor\t: 0", "vendor_id\t: AuthenticAMD",
                "model name\t: AMD EPYC 9654 96-Core Processor", "processor\t: 1", "model name\t: other"));
        assertEquals(Optional.of("AMD EPYC 9654 96-Core Processor"), Hardware.cpuModel(cpuinfo));
        Files.write(cpuinfo, List.of("processor\t: 0", "Hardware\t: BCM2835"));
        assertEquals(Optional.empty(), Hardware.cpuModel(cpuinfo));
        assertEquals(Optional.empty(), Hardware.cpuModel(dir.resolve("absent")));
    }

    @Test
    void vectorWidthIsReadFromThePathDescriptionOrFailsLoudly() {
        assertEquals(256, Hardware.vectorBits("Vector API, 256-bit (8 floats), forced by -Dnormkit.vector.bits=256"));
        assertEquals(512, Hardware.vectorBits("Vector API, 512-bit (16 floats)"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Hardware.vectorBits("Vector API"));
        assertTrue(e.getMessage().startsWith("vector: no width"), e.getMessage());
    }

    @Test
    void recordsGetTheFourFieldsWithNullWhereAPathIsUnavailable() {
        JsonObject o = new Hardware(null, "25.0.1+8-LTS", null, 256).json();
        assertEquals(List.of("cpu", "jdk", "onednn_isa", "vector_bits"), List.copyOf(o.keySet()));
        assertTrue(o.get("cpu").isJsonNull());
        assertTrue(o.get("onednn_isa").isJsonNull());
        assertEquals(256, o.get("vector_bits").getAsInt());
        assertEquals("hardware: cpu unknown, JDK 25.0.1+8-LTS, oneDNN unavailable, vector 256-bit",
                new Hardware(null, "25.0.1+8-LTS", null, 256).describe());
    }

    @Test
    void aForkLineCarriesTheHardwareBackExactly() {
        for (Hardware h : List.of(new Hardware("AMD \"EPYC\"\t7B13 @ 2.4GHz", "25+36", "avx512_core_bf16", 512),
                new Hardware(null, "25.0.1+8-LTS", null, null))) {
            assertEquals(Optional.of(h), Hardware.fromForkLine(h.forkLine()));
            assertEquals(1, h.forkLine().lines().count(), "one line");
        }
        assertEquals(Optional.empty(), Hardware.fromForkLine("normkit-bench: measuring relu forward"));
        assertThrows(IllegalArgumentException.class, () -> Hardware.fromForkLine(Hardware.FORK_LINE_PREFIX + "{"));
    }
}
