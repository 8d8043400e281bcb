package dev.normkit.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneDnnLoaderTest {

    @TempDir
    Path dir;

    private OneDnnLoader.Loaded loadOverride(Path library) {
        return OneDnnLoader.load(new LoaderConfig(library, "-Dnormkit.onednn.library", dir.resolve("cache"),
                getClass().getClassLoader()));
    }

    @Test
    void overrideNamingAMissingFileIsUnavailableAndNamesTheFile() {
        Path missing = dir.resolve("nowhere/libdnnl.so.3");
        OneDnnLoader.Loaded loaded = loadOverride(missing);
        OneDnnStatus status = loaded.status();
        assertFalse(status.available());
        assertEquals("-Dnormkit.onednn.library names " + missing + ", which does not exist", status.detail());
        assertEquals(Optional.of(missing), status.library());
        assertEquals(Optional.empty(), loaded.openMp());
    }

    @Test
    void overrideNamingANonLibraryReportsTheDynamicLinkersError() throws IOException {
        Path notElf = Files.writeString(dir.resolve("libdnnl.so.3"), "not a shared library");
        OneDnnStatus status = loadOverride(notElf).status();
        assertFalse(status.available());
        assertTrue(status.detail().startsWith("cannot load " + notElf + ": " + notElf + ": "), status.detail());
        assertTrue(status.detail().contains("file too short") || status.detail().contains("invalid ELF header"),
                status.detail());
    }

    @Test
    void missingBundledJarIsUnavailableAndNamesTheResource() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            OneDnnStatus status = OneDnnLoader.load(new LoaderConfig(null, null, dir, empty)).status();
            assertFalse(status.available());
            assertEquals("the bundled oneDNN cannot be found: org/bytedeco/dnnl/linux-x86_64/libgomp.so.1 is not on "
                    + "the class path (is org.bytedeco:dnnl:linux-x86_64 a dependency?)", status.detail());
        }
        assertEquals(0, LibraryCacheTest.entries(dir).size(), "nothing written");
    }

    @Test
    void propertyOverridesTheEnvironmentVariableAndCacheDirectoryDefaultsFollowXdg() {
        ClassLoader cl = getClass().getClassLoader();
        LoaderConfig both = LoaderConfig.from(
                Map.of("normkit.onednn.library", "/a/libdnnl.so.3", "user.home", "/home/u"),
                Map.of("NORMKIT_ONEDNN_LIBRARY", "/b/libdnnl.so.3", "XDG_CACHE_HOME", "/xdg"), cl);
        assertEquals(Path.of("/a/libdnnl.so.3"), both.override());
        assertEquals("-Dnormkit.onednn.library", both.overrideSource());
        assertEquals(Path.of("/xdg/normkit"), both.cacheRoot());

        LoaderConfig env = LoaderConfig.from(Map.of("user.home", "/home/u"),
                Map.of("NORMKIT_ONEDNN_LIBRARY", "/b/libdnnl.so.3", "XDG_CACHE_HOME", "relative"), cl);
        assertEquals(Path.of("/b/libdnnl.so.3"), env.override());
        assertEquals("$NORMKIT_ONEDNN_LIBRARY", env.overrideSource());
        assertEquals(Path.of("/home/u/.cache/normkit"), env.cacheRoot(), "a relative XDG_CACHE_HOME is ignored");

        LoaderConfig explicit = LoaderConfig.from(Map.of("normkit.cache.dir", "/c", "user.home", "/home/u"),
                Map.of("XDG_CACHE_HOME", "/xdg", "NORMKIT_ONEDNN_LIBRARY", " "), cl);
        assertEquals(null, explicit.override(), "a blank variable is no override");
        assertEquals(Path.of("/c"), explicit.cacheRoot());
    }
}
