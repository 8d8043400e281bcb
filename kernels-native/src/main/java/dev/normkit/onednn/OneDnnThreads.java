package dev.normkit.onednn;

import dev.normkit.BackendUnavailableException;
import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.OpenMpThreads;

/**
 * The OpenMP thread count the onednn path runs with: the system property {@value #PROPERTY}, default 1 (the Java
 * paths are single-threaded, so comparisons are fair by default).
 *
 * <p>libgomp keeps the count per calling thread, and oneDNN sizes work and scratchpads for the count it sees when a
 * primitive is created. So {@link #apply()} runs on the thread that creates a kernel's primitives and again before
 * every execution: a kernel run from any thread then uses the same count it was created for. It is one cheap native
 * call (it only stores the calling thread's setting).
 */
final class OneDnnThreads {

    /** System property with the number of OpenMP threads oneDNN may use. */
    static final String PROPERTY = "normkit.onednn.threads";

    private final OpenMpThreads openMp;
    private final int count;

    private OneDnnThreads(OpenMpThreads openMp, int count) {
        this.openMp = openMp;
        this.count = count;
    }

    /**
     * The count from {@value #PROPERTY}, applied through the loaded oneDNN's libgomp.
     *
     * @throws BackendUnavailableException when the property is not a positive integer, or the loaded oneDNN has no
     *     OpenMP runtime whose thread count could be set
     */
    static OneDnnThreads fromSystemProperty() {
        int count = parse(System.getProperty(PROPERTY));
        OpenMpThreads openMp = OneDnnLibrary.openMp().orElseThrow(() -> new BackendUnavailableException("onednn",
                "the loaded oneDNN has no OpenMP runtime (omp_set_num_threads not found), so " + PROPERTY
                        + " cannot be applied"));
        return new OneDnnThreads(openMp, count);
    }

    /** The thread count a property value asks for: 1 when unset. */
    static int parse(String value) {
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            int count = Integer.parseInt(value.trim());
            if (count >= 1) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new BackendUnavailableException("onednn",
                PROPERTY + ": expected a positive integer (OpenMP threads), got '" + value + "'");
    }

    /** The same OpenMP runtime at another count: a kernel made for it applies that count before each run. */
    OneDnnThreads withCount(int threads) {
        return new OneDnnThreads(openMp, threads);
    }

    /** Sets the calling thread's OpenMP thread count to {@link #count()}. */
    void apply() {
        openMp.setNumThreads(count);
    }

    int count() {
        return count;
    }
}
