package dev.normkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A fork runs normkit's configuration as this JVM has it, even where it was set after start. */
class BenchJvmTest {

    @Test
    void forksGetThisJvmsNormkitPropertiesButTheirOwnThreadCount() {
        System.setProperty("normkit.bench.test-marker", "set after start");
        String threads = System.setProperty(OneDnnThreads.PROPERTY, "3");
        try {
            List<String> flags = BenchJvm.forkFlags();
            assertTrue(flags.containsAll(BenchJvm.FORK_FLAGS), flags.toString());
            assertTrue(flags.contains("-Dnormkit.bench.test-marker=set after start"), flags.toString());
            assertFalse(flags.contains("-D" + OneDnnThreads.PROPERTY + "=3"), flags.toString());
            assertEquals(1, flags.stream().filter(f -> f.startsWith("-D" + OneDnnThreads.PROPERTY + "=")).count());
        } finally {
            System.clearProperty("normkit.bench.test-marker");
            if (threads == null) System.clearProperty(OneDnnThreads.PROPERTY);
            else System.setProperty(OneDnnThreads.PROPERTY, threads);
        }
    }
}
