package dev.normkit.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * The directory the bundled shared libraries are copied into, once per library build: {@code
 * <root>/onednn-<version>-<key>/} holding libgomp.so.1, libOpenCL.so.1 and libdnnl.so.3 side by side (libdnnl's
 * RUNPATH is {@code $ORIGIN/}).
 *
 * <p>{@code <key>} is a SHA-256 over the libraries' jar-directory fingerprints ({@link BundledLibrary}), so a new
 * build gets a new directory and finding the current one reads no library bytes. A directory is complete or absent:
 * libraries are copied into a private temporary directory next to it and renamed into place in one atomic step. When
 * several JVMs extract at once, one rename wins and the others use the winner's directory.
 */
final class LibraryCache {

    private static final String TEMP_PREFIX = ".tmp-onednn-";
    private static final String STALE_PREFIX = ".stale-onednn-";

    private final Path root;
    private final List<BundledLibrary> libraries;
    private final String version;

    /** The libraries found on the class path, to be cached under {@code root}. */
    LibraryCache(Path root, List<BundledLibrary> libraries, String version) {
        this.root = root;
        this.libraries = List.copyOf(libraries);
        this.version = version;
    }

    /**
     * Finds the bundled libraries on the class path of {@code loader}.
     *
     * @throws IOException naming the missing resource
     */
    static LibraryCache onClassPath(Path root, ClassLoader loader) throws IOException {
        List<BundledLibrary> libraries = new ArrayList<>();
        for (String resource : BundledLibrary.LOAD_ORDER) {
            libraries.add(BundledLibrary.find(loader, resource));
        }
        return new LibraryCache(root, libraries, bundledVersion(loader));
    }

    /** The result of {@link #prepare()}: the directory and whether this call copied the libraries into it. */
    record Prepared(Path directory, boolean extracted) {}

    /** The directory this cache uses for these libraries (it may not exist yet). */
    Path directory() {
        return root.resolve("onednn-" + version + "-" + key());
    }

    /** The libraries in load order. */
    List<BundledLibrary> libraries() {
        return libraries;
    }

    /**
     * Returns the complete cache directory, copying the libraries first when it does not exist yet.
     *
     * @throws IOException naming the directory or file that could not be written
     */
    Prepared prepare() throws IOException {
        Path target = directory();
        if (Files.isDirectory(target)) {
            if (isComplete(target)) {
                return new Prepared(target, false);
            }
            moveAside(target);
        }
        Files.createDirectories(root);
        Path temp = Files.createTempDirectory(root, TEMP_PREFIX);
        try {
            // Temporary directories are private (0700); the cache directory is readable like any installed library.
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            for (BundledLibrary library : libraries) {
                copy(library, temp.resolve(library.fileName()));
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                return new Prepared(target, true);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temp + " to " + target + " atomically", e);
            } catch (FileSystemException e) {
                // rename(2) fails with ENOTEMPTY (a plain FileSystemException, not DirectoryNotEmptyException) when
                // another JVM or thread renamed its copy into place first: use that one.
                if (Files.isDirectory(target) && isComplete(target)) {
                    return new Prepared(target, false);
                }
                throw e;
            }
        } finally {
            deleteTree(temp);
        }
    }

    /** True when every library is present with its recorded size (a directory only appears complete). */
    private boolean isComplete(Path dir) throws IOException {
        for (BundledLibrary library : libraries) {
            Path file = dir.resolve(library.fileName());
            if (!Files.isRegularFile(file) || Files.size(file) != library.size()) {
                return false;
            }
        }
        return true;
    }

    private static void copy(BundledLibrary library, Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(library.open(), crc);
                OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        }
        long size = Files.size(file);
        if (size != library.size() || (library.crc32() >= 0 && crc.getValue() != library.crc32())) {
            throw new IOException("copy of " + library.resource() + " to " + file + " is corrupt: " + size
                    + " bytes, crc32 " + Long.toHexString(crc.getValue()) + "; expected " + library.size()
                    + " bytes, crc32 " + Long.toHexString(library.crc32()));
        }
    }

    /** Renames a damaged directory out of the way (another process may still map its files) and deletes it. */
    private void moveAside(Path damaged) throws IOException {
        Path stale = Files.createTempDirectory(root, STALE_PREFIX);
        try {
            Files.move(damaged, stale.resolve("dir"), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // Another JVM moved it first.
        } finally {
            deleteTree(stale);
        }
    }

    private String key() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (BundledLibrary library : libraries) {
                sha.update((library.fingerprint() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** The oneDNN jar's Maven version ({@code 3.13-1.5.14}), or {@code unknown} when its metadata is absent. */
    private static String bundledVersion(ClassLoader loader) throws IOException {
        try (InputStream in = loader.getResourceAsStream(BundledLibrary.DNNL_POM_PROPERTIES)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.matches("[A-Za-z0-9._-]+") ? version : "unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
