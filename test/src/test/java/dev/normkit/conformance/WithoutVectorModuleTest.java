package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.BackendStatus;
import dev.normkit.BackendUnavailableException;
import dev.normkit.Backends;
import dev.normkit.Shape;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} and with {@code -Dnormkit.backend=vector} (the
 * {@code without-vector-module} execution in test/pom.xml; excluded from the default one): the vector path says why it
 * is off, forcing it is an error and never a quiet scalar run, and the scalar kernels still run correctly.
 */
class WithoutVectorModuleTest {

    @BeforeAll
    static void runsWithoutTheIncubatorModuleAndWithVectorForced() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty(),
                "this test must run in a JVM without --add-modules jdk.incubator.vector");
        assertEquals("vector", System.getProperty(Backends.FORCE_PROPERTY),
                "this test must run with -D" + Backends.FORCE_PROPERTY + "=vector");
    }

    @Test
    void statusSaysVectorIsUnavailableAndHowToEnableIt() {
        BackendStatus vector = Backends.status().stream().filter(s -> s.name().equals("vector")).findFirst()
                .orElseThrow();
        assertFalse(vector.available());
        assertTrue(vector.detail().contains("--add-modules jdk.incubator.vector"), vector.detail());
        assertTrue(Backends.available().stream().noneMatch(b -> b.name().equals("vector")));
    }

    @Test
    void forcedVectorThrowsInsteadOfFallingBackToScalar() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, Backends::defaultBackend);
        assertEquals("vector", e.path());
        assertTrue(e.reason().contains("--add-modules jdk.incubator.vector"), e.reason());
    }

    @TestFactory
    Stream<DynamicNode> scalarKernelsStillMatchTheReference() {
        return ConformanceTests.of(new Selection(List.of(), List.of("scalar"),
                List.of(Shape.of(4, 17), Shape.of(4, 1025), Shape.of(64, 768))));
    }
}
