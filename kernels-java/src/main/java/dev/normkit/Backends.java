package dev.normkit;

import dev.normkit.spi.BackendProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds the paths that can run in this JVM. Each path is loaded once, on first use; one log line per path says what
 * runs (or exactly why not, and how to enable it).
 *
 * <p>The system property {@value #FORCE_PROPERTY} (e.g. {@code -Dnormkit.backend=vector}) forces the path that
 * {@link #defaultBackend()} returns. Forcing a path that cannot run is an error, never a silent fallback.
 */
public final class Backends {

    /** System property that forces the default path. */
    public static final String FORCE_PROPERTY = "normkit.backend";

    /** Every path normkit knows, in report order. */
    public static final List<String> KNOWN = List.of("scalar", "vector", "onednn");

    private static final System.Logger LOG = System.getLogger("dev.normkit");

    private Backends() {}

    private record Loaded(BackendProvider provider, Backend backend, String reason) {}

    /** Loaded on first use of any method here, once per JVM. */
    private static final class Registry {
        static final Map<String, Loaded> PATHS = discover();

        private static Map<String, Loaded> discover() {
            Map<String, BackendProvider> providers = new LinkedHashMap<>();
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
                providers.putIfAbsent(p.name(), p);
            }
            Map<String, Loaded> result = new LinkedHashMap<>();
            for (String name : KNOWN) {
                BackendProvider p = providers.remove(name);
                result.put(name, p == null ? new Loaded(null, null, missingReason(name)) : load(p));
            }
            for (BackendProvider p : providers.values()) {
                result.put(p.name(), load(p));
            }
            result.forEach((name, l) -> {
                if (l.backend != null) {
                    LOG.log(Level.DEBUG, "normkit: {0} path available: {1}", name, l.backend.description());
                } else {
                    // A path whose jar is absent was not asked for: only a present path that failed is worth a warning.
                    LOG.log(l.provider == null ? Level.DEBUG : Level.WARNING,
                            "normkit: {0} path unavailable: {1}", name, l.reason);
                }
            });
            return result;
        }

        private static Loaded load(BackendProvider p) {
            try {
                return new Loaded(p, p.load(), null);
            } catch (BackendUnavailableException e) {
                return new Loaded(p, null, e.reason());
            } catch (RuntimeException | LinkageError e) {
                return new Loaded(p, null, "failed to load: " + e);
            }
        }

        private static String missingReason(String name) {
            return switch (name) {
                case "onednn" -> "dev.normkit:normkit-native is not on the class path";
                default -> "no provider for '" + name + "' on the class path";
            };
        }
    }

    /** Every known path with its availability: the description when it runs, the reason when not. */
    public static List<BackendStatus> status() {
        List<BackendStatus> out = new ArrayList<>();
        Registry.PATHS.forEach((name, l) -> out.add(l.backend != null
                ? new BackendStatus(name, true, l.backend.description())
                : new BackendStatus(name, false, l.reason)));
        return out;
    }

    /** The paths that can run here, in report order. */
    public static List<Backend> available() {
        List<Backend> out = new ArrayList<>();
        for (Loaded l : Registry.PATHS.values()) {
            if (l.backend != null) out.add(l.backend);
        }
        return out;
    }

    /**
     * The named path.
     *
     * @throws BackendUnavailableException if it is unknown or cannot run here, with the reason
     */
    public static Backend get(String name) {
        Loaded l = Registry.PATHS.get(name);
        if (l == null) {
            throw new BackendUnavailableException(name, "unknown path; known: " + Registry.PATHS.keySet());
        }
        if (l.backend == null) {
            throw new BackendUnavailableException(name, l.reason);
        }
        return l.backend;
    }

    /**
     * The path forced by {@value #FORCE_PROPERTY} if set, else the fastest Java path available (vector, then
     * scalar). oneDNN is never chosen unless forced: it is a native dependency the caller opts into.
     *
     * @throws BackendUnavailableException if the forced path cannot run here
     */
    public static Backend defaultBackend() {
        String forced = System.getProperty(FORCE_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return get(forced.trim());
        }
        return Registry.PATHS.values().stream()
                .filter(l -> l.backend != null && !l.backend.name().equals("onednn"))
                .max(Comparator.comparingInt(l -> l.provider.defaultRank()))
                .map(Loaded::backend)
                .orElseThrow(() -> new BackendUnavailableException("scalar", "no Java path loaded"));
    }
}
