package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.BackendUnavailableException;
import dev.normkit.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dnormkit.backend} decides which path {@link Backends#defaultBackend()} is, in a JVM with the incubator
 * module (the module-less case is {@link WithoutVectorModuleTest}). The property is read on each call, so the tests set
 * it and put the previous value back.
 */
class BackendForcingTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(Backends.FORCE_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(Backends.FORCE_PROPERTY);
        } else {
            System.setProperty(Backends.FORCE_PROPERTY, saved);
        }
    }

    @Test
    void forcingVectorMakesItTheDefault() {
        System.setProperty(Backends.FORCE_PROPERTY, "vector");
        assertEquals("vector", Backends.defaultBackend().name());
    }

    @Test
    void forcingScalarMakesItTheDefaultEvenWhereVectorRuns() {
        System.setProperty(Backends.FORCE_PROPERTY, "scalar");
        assertEquals("scalar", Backends.defaultBackend().name());
    }

    @Test
    void withoutForcingTheVectorPathIsTheDefaultWhenTheModuleIsThere() {
        System.clearProperty(Backends.FORCE_PROPERTY);
        assertEquals("vector", Backends.defaultBackend().name());
    }

    @Test
    void forcingAnUnknownPathThrowsNamingIt() {
        System.setProperty(Backends.FORCE_PROPERTY, "gpu");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, Backends::defaultBackend);
        assertEquals("gpu", e.path());
        assertTrue(e.getMessage().contains("gpu"), e.getMessage());
    }
}
