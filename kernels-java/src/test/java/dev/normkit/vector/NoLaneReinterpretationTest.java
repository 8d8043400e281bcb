package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No vector kernel reads float lanes as ints or back (reinterpretAsInts/Floats, viewAs...Lanes): in some JDK builds
 * lane reinterpretation in a hot loop has allocated and turned calls megamorphic (docs/vector-jit.md). The exceptions
 * are three small methods of VectorMath that form 2^n and split x into 2^k m for the exp and log that give the same
 * bits on every JIT tier ({@code pow2}, {@code exponentSplit}, {@code mantissaOf}). Anything else fails here.
 */
class NoLaneReinterpretationTest {

    /** A call of any lane-reinterpreting method: reinterpretAsInts, reinterpretAsFloats, ..., viewAs...Lanes. */
    private static final Pattern BANNED =
            Pattern.compile("\\.(reinterpretAs\\w*|viewAsIntegralLanes|viewAsFloatingLanes|reinterpretShape)\\s*\\(");

    private static final List<String> ALLOWED = List.of("private static FloatVector pow2(IntVector",
            "private static IntVector exponentSplit(FloatVector", "private static FloatVector mantissaOf(IntVector");

    @Test
    void vectorSourcesDoNotReinterpretLanes() throws IOException {
        List<String> found = new ArrayList<>();
        List<String> allowed = new ArrayList<>();
        int files = 0;
        for (Path root : List.of(Path.of("src/main/java/dev/normkit/vector"),
                Path.of("src/generated/java/dev/normkit/vector"))) {
            assertTrue(Files.isDirectory(root), "run from the kernels-java module: " + root.toAbsolutePath());
            try (Stream<Path> paths = Files.list(root)) {
                for (Path p : paths.filter(q -> q.toString().endsWith(".java")).toList()) {
                    files++;
                    List<String> lines = Files.readAllLines(p);
                    String method = "";
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).matches("\\s+(private )?static .*\\(.*")) method = lines.get(i).trim();
                        Matcher m = BANNED.matcher(lines.get(i));
                        while (m.find()) {
                            String where = p.getFileName() + ":" + (i + 1) + " " + m.group(1);
                            if (p.getFileName().toString().equals("VectorMath.java")
                                    && ALLOWED.stream().anyMatch(method::startsWith)) {
                                allowed.add(where);
                            } else {
                                found.add(where);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(files >= 5, "expected the vector sources, found " + files + " files");
        assertEquals(List.of(), found, "lane reinterpretation in the vector path");
        assertEquals(ALLOWED.size(), allowed.size(), () -> "expected one reinterpretation in each of " + ALLOWED
                + ": " + allowed);
    }
}
