package dev.normkit.bindings;

import java.util.Optional;

/**
 * The oneDNN library of this JVM, loaded once, on first use of any method here.
 *
 * <p>Where it comes from, in order:
 * <ol>
 *   <li>the file named by the system property {@value #LIBRARY_PROPERTY}, else by the environment variable
 *       {@value #LIBRARY_ENV}: a system {@code libdnnl.so.3} (soname {@code libdnnl.so.3}, oneDNN 3.13 or a later
 *       3.x), loaded as it is;</li>
 *   <li>otherwise the copy bundled in {@code org.bytedeco:dnnl:linux-x86_64} (with libgomp.so.1) and
 *       {@code org.bytedeco:opencl:linux-x86_64} (libOpenCL.so.1), extracted once into a cache directory under
 *       {@value #CACHE_DIR_PROPERTY}, else {@code $XDG_CACHE_HOME/normkit}, else {@code ~/.cache/normkit}.</li>
 * </ol>
 * Libraries are loaded by absolute path through {@link java.lang.foreign.SymbolLookup#libraryLookup(java.nio.file.Path,
 * java.lang.foreign.Arena)}; no JNI is involved. When nothing can be loaded, {@link #status()}
 * says why and nothing else fails: the Java paths do not need this class.
 *
 * <p><b>Order matters.</b> The generated bindings ({@code dev.normkit.bindings.dnnl}) find the library by its soname,
 * so they only work once this class has loaded it; a generated class touched earlier fails its initialization for the
 * rest of the JVM. Call {@link #require()} before any generated class is used.
 */
public final class OneDnnLibrary {

    /** System property naming a system libdnnl.so.3 to load instead of the bundled one. */
    public static final String LIBRARY_PROPERTY = "normkit.onednn.library";

    /** Environment variable naming a system libdnnl.so.3 (the system property wins when both are set). */
    public static final String LIBRARY_ENV = "NORMKIT_ONEDNN_LIBRARY";

    /** System property naming the directory bundled libraries are extracted under. */
    public static final String CACHE_DIR_PROPERTY = "normkit.cache.dir";

    private OneDnnLibrary() {}

    private static final class Holder {
        static final OneDnnLoader.Loaded LOADED = OneDnnLoader.loadFromEnvironment();
    }

    /** Whether oneDNN is loaded, with its version and origin, or the exact reason it is not. Never throws. */
    public static OneDnnStatus status() {
        return Holder.LOADED.status();
    }

    /**
     * Makes sure oneDNN is loaded, so that the generated bindings may be used.
     *
     * @throws IllegalStateException with {@link OneDnnStatus#detail()} when oneDNN is unavailable
     */
    public static void require() {
        OneDnnStatus status = status();
        if (!status.available()) {
            throw new IllegalStateException("oneDNN is unavailable: " + status.detail());
        }
    }

    /**
     * The OpenMP thread controls of the loaded oneDNN; empty when oneDNN is unavailable or was built without OpenMP
     * (the bundled build uses OpenMP).
     */
    public static Optional<OpenMpThreads> openMp() {
        return Holder.LOADED.openMp();
    }
}
