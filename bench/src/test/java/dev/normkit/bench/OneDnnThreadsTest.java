package dev.normkit.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.normkit.BackendStatus;
import dev.normkit.Backends;
import org.junit.jupiter.api.Test;

/** An onednn benchmark refuses to run with another OpenMP thread count than the one it reports. */
class OneDnnThreadsTest {

    private static void assumeOnednn() {
        BackendStatus s = Backends.status().stream().filter(b -> b.name().equals("onednn")).findFirst().orElseThrow();
        assumeTrue(s.available(), () -> "onednn unavailable: " + s.detail());
    }

    @Test
    void theForkFlagSetsTheOnednnPathsProperty() {
        assertEquals("-Dnormkit.onednn.threads=1", OneDnnThreads.FORK_FLAG);
    }

    @Test
    void theLoadedOnednnPathRunsOneThreadPerCallByDefault() {
        assumeOnednn();
        assertDoesNotThrow(() -> OneDnnThreads.requireRunsWith(Backends.get("onednn"), 1));
    }

    @Test
    void anotherThreadCountIsRefusedNamingTheProperty() {
        assumeOnednn();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OneDnnThreads.requireRunsWith(Backends.get("onednn"), 2));
        assertTrue(e.getMessage().contains("-Dnormkit.onednn.threads=2"), e.getMessage());
    }

    @Test
    void aJavaPathIsNotTakenForOnednn() {
        assertThrows(IllegalStateException.class, () -> OneDnnThreads.requireRunsWith(Backends.get("scalar"), 1));
    }
}
