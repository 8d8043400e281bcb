package dev.normkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.normkit.bindings.OneDnnLibrary;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The benchmark's oneDNN thread setting reaches the OpenMP runtime oneDNN uses, for the calling thread only. */
class OneDnnThreadsTest {

    @Test
    void setsTheCallingThreadsOpenMpThreadCount() throws InterruptedException {
        assumeTrue(OneDnnLibrary.status().available(), () -> "oneDNN unavailable: " + OneDnnLibrary.status().detail());
        AtomicInteger seen = new AtomicInteger();
        Thread t = new Thread(() -> {
            OneDnnThreads.setForThisThread(2);
            OneDnnThreads.setForThisThread(OneDnnThreads.PER_CALL);
            seen.set(OneDnnLibrary.openMp().orElseThrow().maxThreads());
        });
        t.start();
        t.join();
        assertEquals(1, seen.get());
    }

    @Test
    void zeroThreadsIsRejected() {
        assumeTrue(OneDnnLibrary.status().available(), () -> "oneDNN unavailable: " + OneDnnLibrary.status().detail());
        assertThrows(IllegalArgumentException.class, () -> OneDnnThreads.setForThisThread(0));
    }
}
