package dev.normkit.onednn;

import dev.normkit.Backends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link LazyLoadingTest}: uses the path named by the first argument ({@code status} for
 * {@link Backends#status()}), then says whether oneDNN's library is mapped into the process, before and after the
 * onednn path is asked for, a line each.
 */
public final class LazyLoadingProbe {

    private LazyLoadingProbe() {}

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "status" -> Backends.status();
            case "default" -> Backends.defaultBackend();
            default -> Backends.get(args[0]);
        }
        System.out.println("before|" + oneDnnMapped());
        Backends.get("onednn");
        System.out.println("after|" + oneDnnMapped());
    }

    private static boolean oneDnnMapped() throws IOException {
        return Files.readString(Path.of("/proc/self/maps")).contains("libdnnl.so");
    }
}
