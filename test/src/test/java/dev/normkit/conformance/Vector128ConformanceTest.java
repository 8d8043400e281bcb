package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backends;
import dev.normkit.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The vector path with 128-bit lanes (4 floats) on a machine whose preferred width is wider: run by the
 * {@code vector-128-bit} execution in test/pom.xml ({@code -Dnormkit.vector.bits=128 -Dnormkit.backend=vector}),
 * excluded from the default one. Small shapes: the tails and unrolled blocks are what a lane width changes.
 */
class Vector128ConformanceTest {

    @Test
    void theForcedDefaultIsTheVectorPathWith128BitLanes() {
        assertEquals("vector", Backends.defaultBackend().name());
        String description = Backends.get("vector").description();
        assertTrue(description.contains("128-bit"), description);
    }

    @TestFactory
    Stream<DynamicNode> vectorKernelsMatchTheReferenceWith128BitLanes() {
        List<Shape> shapes = new ArrayList<>();
        for (long len : Corpus.LENGTHS) shapes.add(Shape.of(Corpus.SMALL_ROWS, len));
        shapes.add(Shape.of(3, 7, 33));
        return ConformanceTests.of(new Selection(List.of(), List.of("vector"), shapes));
    }
}
