package dev.normkit.bindings;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the loader takes oneDNN from.
 *
 * @param override a system libdnnl.so.3 to load instead of the bundled one, or null
 * @param overrideSource how the override was given, for messages ({@code -Dnormkit.onednn.library})
 * @param cacheRoot the directory bundled libraries are extracted under
 * @param classLoader where the bundled libraries are looked up as resources
 */
record LoaderConfig(Path override, String overrideSource, Path cacheRoot, ClassLoader classLoader) {

    /** The configuration this JVM's system properties and environment give. */
    static LoaderConfig fromEnvironment() {
        return from(System.getProperties(), System.getenv(), LoaderConfig.class.getClassLoader());
    }

    /**
     * Reads {@value OneDnnLibrary#LIBRARY_PROPERTY} (else {@value OneDnnLibrary#LIBRARY_ENV}) and
     * {@value OneDnnLibrary#CACHE_DIR_PROPERTY} (else {@code $XDG_CACHE_HOME/normkit}, else
     * {@code ~/.cache/normkit}).
     *
     * @throws java.nio.file.InvalidPathException when a configured path is not a valid path
     */
    static LoaderConfig from(Map<Object, Object> properties, Map<String, String> env, ClassLoader classLoader) {
        Path override = null;
        String source = null;
        String property = text(properties.get(OneDnnLibrary.LIBRARY_PROPERTY));
        String variable = text(env.get(OneDnnLibrary.LIBRARY_ENV));
        if (property != null) {
            override = Path.of(property);
            source = "-D" + OneDnnLibrary.LIBRARY_PROPERTY;
        } else if (variable != null) {
            override = Path.of(variable);
            source = "$" + OneDnnLibrary.LIBRARY_ENV;
        }
        return new LoaderConfig(override, source, cacheRoot(properties, env), classLoader);
    }

    private static Path cacheRoot(Map<Object, Object> properties, Map<String, String> env) {
        String configured = text(properties.get(OneDnnLibrary.CACHE_DIR_PROPERTY));
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        String xdg = text(env.get("XDG_CACHE_HOME"));
        if (xdg != null && Path.of(xdg).isAbsolute()) { // the XDG spec says to ignore relative values
            return Path.of(xdg, "normkit");
        }
        return Path.of(String.valueOf(properties.get("user.home")), ".cache", "normkit");
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s.strip() : null;
    }
}
