package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.KernelDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.Shape;
import dev.normkit.Support;
import dev.normkit.UnsupportedKernelException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** oneDNN has no p-norm primitive: the onednn path says so for l2_normalize and divisive_norm, with the reason. */
class OneDnnPNormUnsupportedTest {

    @Test
    void supportSaysNoWithTheReasonAndCreateRefuses() {
        Backend onednn = Backends.get("onednn");
        List<KernelDesc<?>> descs = List.of(L2NormalizeDesc.of(Shape.of(4, 16)),
                DivisiveNormDesc.of(Shape.of(4, 16)).withP(3.2f),
                DivisiveNormDesc.acrossChannels(Shape.of(2, 16, 5, 5), 5)); // the channel window too
        for (KernelDesc<?> d : descs) {
            Support s = onednn.support(d);
            assertFalse(s.supported(), d.kernelName());
            assertTrue(s.reason().contains("no p-norm normalization primitive"), s.reason());
            UnsupportedKernelException e = assertThrows(UnsupportedKernelException.class, () -> onednn.create(d));
            assertTrue(e.getMessage().contains("no p-norm normalization primitive"), e.getMessage());
        }
    }
}
