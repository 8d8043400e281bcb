package dev.normkit.onednn.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The generated bindings work only after the loader has run, and a generated class touched too early stays broken for
 * the JVM. Only this package reaches them, and every way into it passes through {@code OneDnnLibrary.require()}.
 */
class GeneratedBindingsAccessTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Path THIN_LAYER = SOURCES.resolve("dev/normkit/onednn/dnnl");

    @Test
    void onlyTheThinLayerImportsTheGeneratedBindings() throws IOException {
        assertTrue(Files.isDirectory(THIN_LAYER), "run from the kernels-native module directory");
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<Path> offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getParent().equals(THIN_LAYER))
                    .filter(f -> read(f).contains("dev.normkit.bindings.dnnl"))
                    .toList();
            assertEquals(List.of(), offenders, "use dev.normkit.onednn.dnnl instead of the generated bindings");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
