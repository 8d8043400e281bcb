package dev.normkit.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryCacheTest {

    @TempDir
    Path root;

    private LibraryCache cache() throws IOException {
        return LibraryCache.onClassPath(root, getClass().getClassLoader());
    }

    @Test
    void secondPrepareReusesTheExtractedFilesWithoutCopying() throws IOException {
        LibraryCache.Prepared first = cache().prepare();
        assertTrue(first.extracted());
        Path dnnl = first.directory().resolve("libdnnl.so.3");
        Object fileKey = Files.readAttributes(dnnl, BasicFileAttributes.class).fileKey();

        LibraryCache.Prepared second = cache().prepare();
        assertEquals(first.directory(), second.directory());
        assertTrue(!second.extracted(), "second prepare copied again");
        assertEquals(fileKey, Files.readAttributes(dnnl, BasicFileAttributes.class).fileKey(), "file replaced");
    }

    @Test
    void concurrentExtractionIntoAFreshDirectoryYieldsOneCompleteCopy() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<LibraryCache.Prepared> racer = () -> {
            LibraryCache cache = cache();
            start.await();
            return cache.prepare();
        };
        List<LibraryCache.Prepared> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<LibraryCache.Prepared>> futures = List.of(pool.submit(racer), pool.submit(racer));
            for (Future<LibraryCache.Prepared> f : futures) {
                results.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(results.get(0).directory(), results.get(1).directory());
        assertEquals(1, results.stream().filter(LibraryCache.Prepared::extracted).count(),
                "exactly one racer's copy is the one in place");
        assertMatchesTheJar(cache(), results.get(0).directory());
        assertEquals(List.of(results.get(0).directory()), entries(root), "temporary directories left behind");
    }

    @Test
    void damagedCacheDirectoryIsReplacedByAFreshCopy() throws IOException {
        Path dir = cache().prepare().directory();
        try (FileChannel gomp = FileChannel.open(dir.resolve("libgomp.so.1"), StandardOpenOption.WRITE)) {
            gomp.truncate(100);
        }
        LibraryCache.Prepared again = cache().prepare();
        assertTrue(again.extracted());
        assertEquals(dir, again.directory());
        assertMatchesTheJar(cache(), dir);
        assertEquals(List.of(dir), entries(root));
    }

    @Test
    void directoryIsNamedByVersionAndChangesWithAnyLibraryFingerprint() throws IOException {
        LibraryCache cache = cache();
        String name = cache.directory().getFileName().toString();
        assertTrue(name.matches("onednn-3\\.13-[0-9.]+-[0-9a-f]{16}"), name);

        List<BundledLibrary> changed = new ArrayList<>(cache.libraries());
        BundledLibrary gomp = changed.getFirst();
        changed.set(0, new BundledLibrary(gomp.fileName(), gomp.resource(), gomp.size(), gomp.crc32() ^ 1,
                gomp.fileName() + ":" + gomp.size() + ":crc32=" + Long.toHexString(gomp.crc32() ^ 1)));
        assertNotEquals(cache.directory(), new LibraryCache(root, changed, "3.13-1.5.14").directory());
    }

    /** Every extracted file has the size and CRC-32 its jar entry records. */
    static void assertMatchesTheJar(LibraryCache cache, Path dir) throws IOException {
        for (BundledLibrary library : cache.libraries()) {
            Path file = dir.resolve(library.fileName());
            assertEquals(library.size(), Files.size(file), file.toString());
            CRC32 crc = new CRC32();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    crc.update(buffer, 0, n);
                }
            }
            assertEquals(library.crc32(), crc.getValue(), "crc32 of " + file);
        }
    }

    static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }
}
