package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code Backends} loads a path only when it is asked for: a caller of the Java paths never loads oneDNN's native
 * library. Each case runs in a fresh JVM ({@link LazyLoadingProbe}), which reads its own memory map.
 */
class LazyLoadingTest {

    @ParameterizedTest(name = "{0}: oneDNN loaded {1}")
    @CsvSource({"scalar, false", "vector, false", "default, false", "status, true", "onednn, true"})
    void oneDnnIsLoadedOnlyWhenItsPathIsAskedFor(String use, boolean loaded) throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs Linux's /proc/self/maps");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                LazyLoadingProbe.class.getName(), use));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.contains("before|" + loaded + "\n"), out);
        // The probe can see oneDNN: asking for its path maps the library.
        assertTrue(out.contains("after|true\n"), out);
    }
}
