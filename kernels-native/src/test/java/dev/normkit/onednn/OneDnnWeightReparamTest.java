package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.KernelDesc;
import dev.normkit.Shape;
import dev.normkit.SpectralNormDesc;
import dev.normkit.Support;
import dev.normkit.UnsupportedKernelException;
import dev.normkit.WeightNormDesc;
import java.util.List;
import org.junit.jupiter.api.Test;

/** oneDNN has no weight or spectral normalization: the onednn path refuses both, saying so, and creates neither. */
class OneDnnWeightReparamTest {

    @Test
    void weightAndSpectralNormAreRefusedWithTheReason() {
        Backend onednn = Backends.get("onednn");
        for (KernelDesc<?> d : List.of(WeightNormDesc.of(Shape.of(64, 3, 7, 7)),
                SpectralNormDesc.of(Shape.of(768, 3072)))) {
            Support s = onednn.support(d);
            assertFalse(s.supported(), d.kernelName());
            assertTrue(s.reason().startsWith("oneDNN 3.13 has no " + d.kernelName().replace('_', ' ')
                    .replace("norm", "normalization")), s.reason());
            UnsupportedKernelException e = assertThrows(UnsupportedKernelException.class, () -> onednn.create(d));
            assertEquals("onednn path cannot run " + d.kernelName() + " on " + d.shape() + ": " + s.reason(),
                    e.getMessage());
        }
    }
}
