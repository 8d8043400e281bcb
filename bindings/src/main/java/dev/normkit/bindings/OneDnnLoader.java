package dev.normkit.bindings;

import dev.normkit.bindings.dnnl.Dnnl;
import dev.normkit.bindings.dnnl.dnnl_version_t;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads oneDNN by absolute path: the bundled copy from the {@link LibraryCache}, or a system library named by the
 * override. Never throws: every failure becomes an unavailable {@link OneDnnStatus} with the reason.
 */
final class OneDnnLoader {

    /** The soname the generated bindings look libdnnl up by ({@code jextract -l :libdnnl.so.3}). */
    static final String SONAME = "libdnnl.so.3";

    /** The oldest oneDNN the bindings accept: they are generated from 3.13 headers (3.9 added RMS norm). */
    static final int MAJOR = 3;
    static final int MIN_MINOR = 13;

    /** The outcome of one load: the status, and the OpenMP controls when oneDNN is available and uses OpenMP. */
    record Loaded(OneDnnStatus status, Optional<OpenMpThreads> openMp) {
        static Loaded unavailable(String reason, Path library) {
            return new Loaded(OneDnnStatus.unavailable(reason, library), Optional.empty());
        }
    }

    private OneDnnLoader() {}

    /** Loads oneDNN as {@code config} says. */
    static Loaded load(LoaderConfig config) {
        try {
            return config.override() != null ? loadOverride(config) : loadBundled(config);
        } catch (RuntimeException | LinkageError e) {
            return Loaded.unavailable("loading oneDNN failed unexpectedly: " + e, null);
        }
    }

    /** Loads oneDNN with the configuration this JVM's properties and environment give. */
    static Loaded loadFromEnvironment() {
        try {
            return load(LoaderConfig.fromEnvironment());
        } catch (InvalidPathException e) {
            return Loaded.unavailable("a configured path is invalid: " + e.getMessage(), null);
        }
    }

    private static Loaded loadOverride(LoaderConfig config) {
        Path library = config.override().toAbsolutePath();
        if (!Files.isRegularFile(library)) {
            return Loaded.unavailable(config.overrideSource() + " names " + library + ", which "
                    + (Files.exists(library) ? "is not a regular file" : "does not exist"), library);
        }
        return open(List.of(library), "from " + config.overrideSource());
    }

    private static Loaded loadBundled(LoaderConfig config) {
        LibraryCache cache;
        try {
            cache = LibraryCache.onClassPath(config.cacheRoot(), config.classLoader());
        } catch (IOException e) {
            return Loaded.unavailable("the bundled oneDNN cannot be found: " + e.getMessage(), null);
        }
        LibraryCache.Prepared prepared;
        try {
            prepared = cache.prepare();
        } catch (IOException | SecurityException e) {
            return Loaded.unavailable("cannot extract the bundled oneDNN into " + cache.directory() + ": " + e
                    + " (set -D" + OneDnnLibrary.CACHE_DIR_PROPERTY + " to a writable directory)", null);
        }
        List<Path> files = new ArrayList<>();
        for (BundledLibrary library : cache.libraries()) {
            files.add(prepared.directory().resolve(library.fileName()));
        }
        return open(files, "bundled, " + (prepared.extracted() ? "extracted to " : "cached in ")
                + prepared.directory());
    }

    /** Loads {@code files} in order (libdnnl last) and checks that the bindings will reach the same library. */
    private static Loaded open(List<Path> files, String origin) {
        Path dnnlFile = files.getLast();
        SymbolLookup dnnl = null;
        for (Path file : files) {
            try {
                dnnl = SymbolLookup.libraryLookup(file, Arena.global());
            } catch (IllegalArgumentException e) {
                return Loaded.unavailable("cannot load " + file + ": "
                        + DlopenDiagnosis.of(file).orElse(e.getMessage()), dnnlFile);
            }
        }
        Optional<MemorySegment> loadedVersion = dnnl.find("dnnl_version");
        if (loadedVersion.isEmpty()) {
            return Loaded.unavailable(dnnlFile + " is not oneDNN: it has no dnnl_version symbol", dnnlFile);
        }
        // The generated bindings resolve symbols through dlopen("libdnnl.so.3"), which glibc answers with the
        // library already loaded under that soname. Check that this is the one just loaded before touching them.
        Optional<MemorySegment> bindingsVersion;
        try {
            bindingsVersion = SymbolLookup.libraryLookup(SONAME, Arena.global()).find("dnnl_version");
        } catch (IllegalArgumentException e) {
            return Loaded.unavailable(dnnlFile + " loaded, but dlopen(\"" + SONAME + "\") fails: its soname is not "
                    + SONAME, dnnlFile);
        }
        if (bindingsVersion.isEmpty() || bindingsVersion.get().address() != loadedVersion.get().address()) {
            return Loaded.unavailable(dnnlFile + " loaded, but its soname is not " + SONAME
                    + ": the bindings would call another oneDNN", dnnlFile);
        }
        OneDnnVersion version = version();
        if (version.major() != MAJOR || version.minor() < MIN_MINOR) {
            return Loaded.unavailable(dnnlFile + " is oneDNN " + version + "; normkit needs " + MAJOR + "."
                    + MIN_MINOR + " or a later " + MAJOR + ".x", dnnlFile);
        }
        String detail = "oneDNN " + version + " (git " + version.gitHash() + "), " + origin;
        return new Loaded(OneDnnStatus.loaded(detail, dnnlFile, version), OpenMpThreads.from(dnnl));
    }

    private static OneDnnVersion version() {
        MemorySegment v = Dnnl.dnnl_version().reinterpret(dnnl_version_t.sizeof());
        MemorySegment hash = dnnl_version_t.hash(v);
        return new OneDnnVersion(dnnl_version_t.major(v), dnnl_version_t.minor(v), dnnl_version_t.patch(v),
                hash.equals(MemorySegment.NULL) ? "unknown" : hash.reinterpret(64).getString(0));
    }
}
