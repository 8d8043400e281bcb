package dev.normkit.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OneDnnLibraryTest {

    @Test
    void loadsTheBundledOneDnn313FromTheCacheDirectory() {
        OneDnnStatus status = OneDnnLibrary.status();
        assertTrue(status.available(), status.detail());
        OneDnnVersion version = status.version().orElseThrow();
        assertEquals(3, version.major());
        assertEquals(13, version.minor());
        Path library = status.library().orElseThrow();
        assertEquals("libdnnl.so.3", library.getFileName().toString());
        assertTrue(library.isAbsolute() && Files.isRegularFile(library), library.toString());
        for (String neighbour : new String[] {"libgomp.so.1", "libOpenCL.so.1"}) {
            assertTrue(Files.isRegularFile(library.resolveSibling(neighbour)), neighbour + " next to " + library);
        }
        assertTrue(status.detail().startsWith("oneDNN " + version + " "), status.detail());
    }

    @Test
    void openMpThreadCountIsSetPerCallingThread() throws InterruptedException {
        OpenMpThreads omp = OneDnnLibrary.openMp().orElseThrow();
        int before = omp.maxThreads();
        AtomicInteger seenByOtherThread = new AtomicInteger();
        Thread other = new Thread(() -> seenByOtherThread.set(omp.maxThreads()));
        try {
            omp.setNumThreads(before + 3);
            assertEquals(before + 3, omp.maxThreads());
            other.start();
            other.join();
            // libgomp keeps the setting in the calling thread's ICVs: other threads keep the default
            assertEquals(before, seenByOtherThread.get());
        } finally {
            omp.setNumThreads(before);
        }
    }

    @Test
    void openMpRejectsFewerThanOneThread() {
        OpenMpThreads omp = OneDnnLibrary.openMp().orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> omp.setNumThreads(0));
        assertEquals("threads must be >= 1, got 0", e.getMessage());
    }
}
