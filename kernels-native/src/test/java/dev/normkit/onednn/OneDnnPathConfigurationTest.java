package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a JVM's configuration does to the onednn path, seen from child JVMs (the library loads once per JVM). */
class OneDnnPathConfigurationTest {

    /** Runs {@link BackendStatusProbe} with {@code properties}; returns each line's name mapped to "available|detail". */
    private static Map<String, String> probe(String... properties) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BackendStatusProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, process.exitValue(), out);
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int bar = line.indexOf('|');
            if (bar > 0) lines.put(line.substring(0, bar), line.substring(bar + 1));
        }
        return lines;
    }

    @Test
    void withoutOneDnnThePathIsUnavailableWithTheLoadersExactReasonAndJavaPathsRun() throws Exception {
        Map<String, String> status = probe("-Dnormkit.onednn.library=/nonexistent/libdnnl.so.3");
        String loader = status.get("loader");
        assertTrue(loader.startsWith("false|"), loader);
        assertEquals(loader, status.get("onednn"), "the path's reason is the loader's detail, unchanged");
        assertTrue(status.get("scalar").startsWith("true|"), status.get("scalar"));
    }

    @Test
    void theThreadPropertySetsTheCountTheDescriptionReports() throws Exception {
        String onednn = probe("-Dnormkit.onednn.threads=2").get("onednn");
        assertTrue(onednn.matches("true\\|oneDNN 3\\.13\\.\\d+, \\w+, 2 OpenMP threads"), onednn);
    }

    @Test
    void anInvalidThreadPropertyMakesThePathUnavailableSayingWhy() throws Exception {
        assertEquals("false|normkit.onednn.threads: expected a positive integer (OpenMP threads), got 'many'",
                probe("-Dnormkit.onednn.threads=many").get("onednn"));
    }
}
