package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.BackendStatus;
import dev.normkit.Backends;
import dev.normkit.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The vector path at a forced width ({@code -Dnormkit.vector.bits=128|256|512 -Dnormkit.backend=vector}): run by the
 * {@code vector-128-bit}, {@code vector-256-bit} and {@code vector-512-bit} executions in test/pom.xml, excluded from
 * the default one, so one machine tests every width its CPU has. Small shapes: the tails and unrolled blocks are what
 * a lane width changes. A width the CPU lacks (512 on an AVX2 machine) must be refused with the reason, never
 * narrowed quietly.
 */
class ForcedWidthConformanceTest {

    private static final int BITS = Integer.getInteger("normkit.vector.bits", 0);

    @Test
    void theVectorPathRunsAtTheForcedWidthOrRefusesAWidthTheCpuLacks() {
        assertTrue(BITS == 128 || BITS == 256 || BITS == 512, "run with -Dnormkit.vector.bits=128|256|512");
        BackendStatus vector = vectorStatus();
        if (vector.available()) {
            assertEquals("vector", Backends.defaultBackend().name());
            String description = Backends.get("vector").description();
            assertTrue(description.contains(BITS + "-bit"), description);
        } else {
            assertFalse(CpuFlags.has(BITS == 512 ? "avx512f" : "avx2"),
                    () -> "the CPU has " + BITS + "-bit vectors, yet the vector path is unavailable: " + vector.detail());
            assertTrue(vector.detail().contains("not a vector width this CPU has"), vector.detail());
        }
    }

    @TestFactory
    Stream<DynamicNode> vectorKernelsMatchTheReferenceAtTheForcedWidth() {
        if (!vectorStatus().available()) return Stream.empty(); // refused, as the test above proves is right
        List<Shape> shapes = new ArrayList<>();
        for (long len : Corpus.LENGTHS) shapes.add(Shape.of(Corpus.SMALL_ROWS, len));
        shapes.add(Shape.of(3, 7, 33));
        shapes.add(Shape.of(257, 768));
        return ConformanceTests.of(new Selection(List.of(), List.of("vector"), shapes));
    }

    private static BackendStatus vectorStatus() {
        return Backends.status().stream().filter(s -> s.name().equals("vector")).findFirst().orElseThrow();
    }
}
