package dev.normkit.onednn;

import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import java.util.function.Supplier;

/**
 * The oneDNN primitive descriptors of one kernel, made together and closed together. Making them is how the path
 * decides whether oneDNN can run a descriptor ({@link OneDnnBackend#support}); making the primitives from them
 * (which generates code) happens only in a kernel.
 */
final class PrimitiveDescs implements AutoCloseable {

    private final NativeResources owned = new NativeResources();

    /** Makes one descriptor; if that fails, the ones made before are closed and the failure rethrown. */
    DnnlPrimitiveDesc add(Supplier<DnnlPrimitiveDesc> maker) {
        try {
            return owned.add(maker.get());
        } catch (RuntimeException e) {
            try {
                owned.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        owned.close();
    }
}
