package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed float[] loops are exactly what the generator makes of the segment templates. */
class GeneratedLoopsTest {

    @Test
    void generatedArrayLoopsAreUpToDate() throws IOException, InterruptedException {
        Path moduleDir = Path.of("").toAbsolutePath(); // surefire runs in the module's directory
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "kernels-java/src/build/java/GenerateArrayLoops.java", "--check")
                .directory(moduleDir.getParent().toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
    }
}
