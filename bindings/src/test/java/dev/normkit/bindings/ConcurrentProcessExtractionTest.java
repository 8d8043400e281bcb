package dev.normkit.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs starting at once on an empty cache directory both load oneDNN from one intact copy. */
class ConcurrentProcessExtractionTest {

    @TempDir
    Path root;

    @Test
    void twoJvmsRacingOnAFreshCacheBothLoadTheSameCompleteCopy() throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(probe());
        }
        List<String> outputs = new ArrayList<>();
        for (Process p : processes) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, p.exitValue(), out);
            outputs.add(out.lines().filter(l -> l.startsWith("available=")).findFirst().orElse(out));
        }
        LibraryCache cache = LibraryCache.onClassPath(root, getClass().getClassLoader());
        String library = cache.directory().resolve("libdnnl.so.3").toString();
        for (String out : outputs) {
            assertTrue(out.startsWith("available=true version=3.13."), out);
            assertTrue(out.contains(" library=" + library + " "), out);
        }
        LibraryCacheTest.assertMatchesTheJar(cache, cache.directory());
        assertEquals(List.of(cache.directory()), LibraryCacheTest.entries(root), "temporary directories left behind");
    }

    private Process probe() throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-D" + OneDnnLibrary.CACHE_DIR_PROPERTY + "=" + root,
                "-cp", System.getProperty("java.class.path"), LoaderProbe.class.getName())
                .redirectErrorStream(true)
                .start();
    }
}
