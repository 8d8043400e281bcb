package dev.normkit.onednn;

import dev.normkit.Backend;
import dev.normkit.BackendUnavailableException;
import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.OneDnnStatus;
import dev.normkit.spi.BackendProvider;

/**
 * Provides the {@code onednn} path. Loading it loads oneDNN ({@link OneDnnLibrary}); when that fails, the path is
 * unavailable with the loader's exact reason and the Java paths are unaffected. {@link dev.normkit.Backends} never
 * picks this path as the default unless {@code -Dnormkit.backend=onednn} forces it.
 */
public final class OneDnnBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return OneDnnBackend.NAME;
    }

    @Override
    public int defaultRank() {
        return 30;
    }

    /**
     * @throws BackendUnavailableException with the loader's reason when oneDNN cannot be loaded, or when
     *     {@code normkit.onednn.threads} is invalid
     */
    @Override
    public Backend load() {
        OneDnnStatus status = OneDnnLibrary.status();
        if (!status.available()) {
            throw new BackendUnavailableException(OneDnnBackend.NAME, status.detail());
        }
        return OneDnnBackend.load();
    }
}
