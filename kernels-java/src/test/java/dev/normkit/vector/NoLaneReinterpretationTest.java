package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No vector kernel reads float lanes as ints or back (reinterpretAsInts/Floats, viewAs...Lanes): in some JDK builds
 * lane reinterpretation in a hot loop has allocated and turned calls megamorphic (docs/vector-jit.md), and nothing in
 * the kernels needs it.
 */
class NoLaneReinterpretationTest {

    private static final List<String> BANNED =
            List.of("reinterpretAs", "viewAsIntegralLanes", "viewAsFloatingLanes", "reinterpretShape");

    @Test
    void vectorSourcesDoNotReinterpretLanes() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path root : List.of(Path.of("src/main/java/dev/normkit/vector"),
                Path.of("src/generated/java/dev/normkit/vector"))) {
            assertTrue(Files.isDirectory(root), "run from the kernels-java module: " + root.toAbsolutePath());
            try (Stream<Path> paths = Files.list(root)) {
                for (Path p : paths.filter(q -> q.toString().endsWith(".java")).toList()) {
                    files++;
                    List<String> lines = Files.readAllLines(p);
                    for (int i = 0; i < lines.size(); i++) {
                        for (String b : BANNED) {
                            if (lines.get(i).contains(b + "(")) found.add(p.getFileName() + ":" + (i + 1) + " " + b);
                        }
                    }
                }
            }
        }
        assertTrue(files >= 5, "expected the vector sources, found " + files + " files");
        assertEquals(List.of(), found, "lane reinterpretation in the vector path");
    }
}
