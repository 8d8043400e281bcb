package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernels as a named module: the README's embedding example, compiled here as a module that
 * {@code requires dev.normkit}, runs in forked JVMs with only the module path, with and without
 * {@code --add-modules jdk.incubator.vector}. That exercises the {@code uses}/{@code provides} declarations (the
 * ServiceLoader finds the paths) and the vector path's reflective loading inside the module.
 */
class ModulePathTest {

    /** The compiled module (exploded: module-info.class and the classes), as Maven leaves it before packaging. */
    private static final Path MODULE = Path.of("target", "classes");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "dev", "normkit", "example",
            "EmbeddingExample.java");
    private static final String MAIN = "dev.normkit.example/dev.normkit.example.EmbeddingExample";

    /** Layer norm of {1, 2, 3, 4} and of {-2, 0, 2, 4}: both (-3, -1, 1, 3) / 2 / sqrt(var + eps) (var 1.25 and 5). */
    private static final double[] EXPECTED = expected();

    @TempDir
    static Path dir;

    private static Path exampleModule;

    @BeforeAll
    static void compileTheExampleAsAModule() throws IOException {
        assertTrue(Files.isRegularFile(MODULE.resolve("module-info.class")), "no module-info.class in " + MODULE);
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("module-info.java"), "module dev.normkit.example { requires dev.normkit; }\n");
        exampleModule = dir.resolve("example");
        StringWriter err = new StringWriter();
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac"));
        int rc = javac.run(new PrintWriter(err), new PrintWriter(err), "--module-path", MODULE.toString(), "-d",
                exampleModule.toString(), src.resolve("module-info.java").toString(), EXAMPLE.toString());
        assertEquals(0, rc, "javac: " + err);
    }

    @Test
    void withTheVectorModuleTheDefaultPathIsVector() throws Exception {
        Result r = run("--add-modules", "jdk.incubator.vector");
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.startsWith("vector "), r.toString());
        assertLayerNorm(r);
    }

    @Test
    void withoutTheVectorModuleTheScalarPathRunsAndTheLogSaysWhy() throws Exception {
        Result r = run();
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.startsWith("scalar "), r.toString());
        assertTrue(r.err.contains("module jdk.incubator.vector is not enabled; run java with --add-modules"),
                r.toString());
        assertLayerNorm(r);
    }

    @Test
    void theReadmeQuotesTheExampleVerbatim() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String example = Files.readString(EXAMPLE);
        assertTrue(readme.contains("```java\n" + example + "```\n"),
                "README.md must quote " + EXAMPLE + " verbatim in a java block");
    }

    private record Result(int status, String out, String err) {}

    private static Result run(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("--module-path", MODULE + File.pathSeparator + exampleModule, "-m", MAIN));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out).trim(), Files.readString(err));
    }

    private static void assertLayerNorm(Result r) {
        String values = r.out.substring(r.out.indexOf('[') + 1, r.out.lastIndexOf(']'));
        String[] v = values.split(",");
        assertEquals(EXPECTED.length, v.length, r.toString());
        for (int i = 0; i < v.length; i++) {
            assertEquals(EXPECTED[i], Double.parseDouble(v[i].trim()), 1e-5, "element " + i + " of " + r);
        }
    }

    private static double[] expected() {
        double[] centred = {-1.5, -0.5, 0.5, 1.5};
        double[] e = new double[8];
        for (int i = 0; i < 4; i++) {
            e[i] = centred[i] / Math.sqrt(1.25 + 1e-5);
            e[4 + i] = 2 * centred[i] / Math.sqrt(5 + 1e-5);
        }
        return e;
    }
}
