package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed generated loops are exactly what the generators make of their sources today. */
class GeneratedLoopsTest {

    @Test
    void generatedArrayLoopsAreUpToDate() throws IOException, InterruptedException {
        assertGeneratorAgrees("GenerateArrayLoops.java");
    }

    @Test
    void generatedActivationLoopsAreUpToDate() throws IOException, InterruptedException {
        assertGeneratorAgrees("GenerateActivationLoops.java");
    }

    private static void assertGeneratorAgrees(String generator) throws IOException, InterruptedException {
        Path moduleDir = Path.of("").toAbsolutePath(); // surefire runs in the module's directory
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "kernels-java/src/build/java/" + generator, "--check")
                .directory(moduleDir.getParent().toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), generator + ": " + output);
    }
}
