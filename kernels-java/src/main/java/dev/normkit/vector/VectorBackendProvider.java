package dev.normkit.vector;

import dev.normkit.Backend;
import dev.normkit.BackendUnavailableException;
import dev.normkit.spi.BackendProvider;
import java.lang.reflect.InvocationTargetException;

/**
 * Provides the {@code vector} path. This class links nothing from {@code jdk.incubator.vector}: it checks that the
 * module is in the boot layer and only then loads {@code VectorBackend} reflectively, so the kernels jar runs (scalar
 * only) where the module is not enabled.
 */
public final class VectorBackendProvider implements BackendProvider {

    static final String MODULE = "jdk.incubator.vector";

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int defaultRank() {
        return 20;
    }

    @Override
    public Backend load() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            throw new BackendUnavailableException("vector",
                    "module " + MODULE + " is not enabled; run java with --add-modules " + MODULE);
        }
        try {
            return (Backend) Class.forName("dev.normkit.vector.VectorBackend")
                    .getMethod("create")
                    .invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof BackendUnavailableException u) throw u;
            throw new BackendUnavailableException("vector", "VectorBackend.create failed: " + e.getCause(), e);
        } catch (ReflectiveOperationException e) {
            throw new BackendUnavailableException("vector", "cannot load VectorBackend: " + e, e);
        }
    }
}
