package dev.normkit.scalar;

import dev.normkit.Backend;
import dev.normkit.spi.BackendProvider;

/** Provides the {@code scalar} path, which runs everywhere. */
public final class ScalarBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int defaultRank() {
        return 10;
    }

    @Override
    public Backend load() {
        return new ScalarBackend();
    }
}
