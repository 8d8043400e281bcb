package dev.normkit;

import dev.normkit.spi.BackendProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Finds the paths that can run in this JVM. Each path is loaded lazily, once, the first time it is asked for, so a
 * caller of the Java paths alone never loads oneDNN's native libraries: {@link #get} loads the one named,
 * {@link #defaultBackend()} only Java paths (unless oneDNN is forced), {@link #status()} and {@link #available()}
 * every path. One log line per loaded path says what runs (or exactly why not, and how to enable it).
 *
 * <p>The system property {@value #FORCE_PROPERTY} (e.g. {@code -Dnormkit.backend=vector}) forces the path that
 * {@link #defaultBackend()} returns. Forcing a path that cannot run is an error, never a silent fallback.
 */
public final class Backends {

    /** System property that forces the default path. */
    public static final String FORCE_PROPERTY = "normkit.backend";

    /** Every path normkit knows, in report order. */
    public static final List<String> KNOWN = List.of("scalar", "vector", "onednn");

    /** The one path {@link #defaultBackend()} never picks unless forced: a native dependency the caller opts into. */
    private static final String NATIVE_PATH = "onednn";

    private static final System.Logger LOG = System.getLogger("dev.normkit");

    private Backends() {}

    private record Loaded(BackendProvider provider, Backend backend, String reason) {}

    /** One path: its provider, found at start-up, and the path itself, loaded on first use. */
    private static final class Slot {
        private final String name;
        private final BackendProvider provider;
        private Loaded loaded;

        Slot(String name, BackendProvider provider) {
            this.name = name;
            this.provider = provider;
        }

        synchronized Loaded get() {
            if (loaded == null) {
                loaded = provider == null ? new Loaded(null, null, missingReason(name)) : load(provider);
                log(name, loaded);
            }
            return loaded;
        }

        int rank() {
            return provider == null ? Integer.MIN_VALUE : provider.defaultRank();
        }
    }

    /**
     * The providers, found once per JVM on first use of any method here. Instantiating a provider links nothing
     * optional ({@link BackendProvider}); loading it is what costs, and happens per path in {@link Slot#get()}.
     */
    private static final class Registry {
        static final Map<String, Slot> PATHS = discover();

        private static Map<String, Slot> discover() {
            Map<String, BackendProvider> providers = new LinkedHashMap<>();
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
                providers.putIfAbsent(p.name(), p);
            }
            Map<String, Slot> result = new LinkedHashMap<>();
            for (String name : KNOWN) {
                result.put(name, new Slot(name, providers.remove(name)));
            }
            for (BackendProvider p : providers.values()) {
                result.put(p.name(), new Slot(p.name(), p));
            }
            return result;
        }
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

    private static void log(String name, Loaded l) {
        if (l.backend != null) {
            LOG.log(Level.DEBUG, "normkit: {0} path available: {1}", name, l.backend.description());
        } else {
            // A path whose jar is absent was not asked for: only a present path that failed is worth a warning.
            LOG.log(l.provider == null ? Level.DEBUG : Level.WARNING, "normkit: {0} path unavailable: {1}", name,
                    l.reason);
        }
    }

    private static String missingReason(String name) {
        return switch (name) {
            case NATIVE_PATH -> "dev.normkit:normkit-native is not on the class path";
            default -> "no provider for '" + name + "' on the class path";
        };
    }

    /** Every known path with its availability: the description when it runs, the reason when not. Loads every path. */
    public static List<BackendStatus> status() {
        List<BackendStatus> out = new ArrayList<>();
        Registry.PATHS.forEach((name, slot) -> {
            Loaded l = slot.get();
            out.add(l.backend != null
                    ? new BackendStatus(name, true, l.backend.description())
                    : new BackendStatus(name, false, l.reason));
        });
        return out;
    }

    /** The paths that can run here, in report order. Loads every path. */
    public static List<Backend> available() {
        List<Backend> out = new ArrayList<>();
        for (Slot slot : Registry.PATHS.values()) {
            Loaded l = slot.get();
            if (l.backend != null) out.add(l.backend);
        }
        return out;
    }

    /**
     * The named path, loading it (and no other) if this is its first use.
     *
     * @throws BackendUnavailableException if it is unknown or cannot run here, with the reason
     */
    public static Backend get(String name) {
        Slot slot = Registry.PATHS.get(name);
        if (slot == null) {
            throw new BackendUnavailableException(name, "unknown path; known: " + Registry.PATHS.keySet());
        }
        Loaded l = slot.get();
        if (l.backend == null) {
            throw new BackendUnavailableException(name, l.reason);
        }
        return l.backend;
    }

    /**
     * The path forced by {@value #FORCE_PROPERTY} if set, else the fastest Java path available (vector, then
     * scalar). oneDNN is never chosen unless forced, nor loaded: it is a native dependency the caller opts into.
     *
     * @throws BackendUnavailableException if the forced path cannot run here
     */
    public static Backend defaultBackend() {
        String forced = System.getProperty(FORCE_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return get(forced.trim());
        }
        // Highest rank first; a path is loaded only if every better-ranked one is unavailable.
        return Registry.PATHS.values().stream()
                .filter(slot -> slot.provider != null && !slot.name.equals(NATIVE_PATH))
                .sorted(Comparator.comparingInt(Slot::rank).reversed())
                .map(slot -> slot.get().backend)
                .filter(Objects::nonNull)
                .findFirst()
                .orElseThrow(() -> new BackendUnavailableException("scalar", "no Java path loaded"));
    }
}
