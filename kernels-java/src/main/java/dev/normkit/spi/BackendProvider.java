package dev.normkit.spi;

import dev.normkit.Backend;

/**
 * Service-provider interface through which {@link dev.normkit.Backends} finds paths at run time
 * ({@code META-INF/services/dev.normkit.spi.BackendProvider}). A provider class must load without linking anything
 * optional (the incubator module, native libraries): it decides in {@link #load()}.
 */
public interface BackendProvider {

    /** The path's stable name: {@code scalar}, {@code vector}, {@code onednn}. */
    String name();

    /**
     * Rank used to pick the default path when none is forced: the available path with the highest rank wins.
     */
    int defaultRank();

    /**
     * Loads the path.
     *
     * @throws dev.normkit.BackendUnavailableException with the exact reason when it cannot run in this JVM
     */
    Backend load();
}
