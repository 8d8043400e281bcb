package dev.normkit.bindings;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether oneDNN could be loaded in this JVM.
 *
 * @param available true when libdnnl.so.3 is loaded and its version is supported
 * @param detail when available: version and where it was loaded from; when not: the exact reason (which file, which
 *     error) and how to fix it
 * @param library the libdnnl.so.3 that was loaded or tried, when one was found
 * @param version the loaded library's version, when it could be asked
 */
public record OneDnnStatus(boolean available, String detail, Optional<Path> library, Optional<OneDnnVersion> version) {

    static OneDnnStatus loaded(String detail, Path library, OneDnnVersion version) {
        return new OneDnnStatus(true, detail, Optional.of(library), Optional.of(version));
    }

    static OneDnnStatus unavailable(String reason, Path library) {
        return new OneDnnStatus(false, reason, Optional.ofNullable(library), Optional.empty());
    }
}
