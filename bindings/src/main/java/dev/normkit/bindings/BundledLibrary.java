package dev.normkit.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;

/**
 * One shared library shipped inside a jar on the class path, with the identity the cache directory is named by.
 *
 * <p>{@code fingerprint} is the jar entry's size and CRC-32 as recorded in the jar's central directory, so identifying
 * the 95 MB libdnnl costs no read of its bytes. A library found as a plain file (an exploded class path) is identified
 * by size and modification time instead.
 *
 * @param fileName the file name the library is written under, which is also its soname
 * @param resource the class-path resource
 * @param size the uncompressed size in bytes
 * @param crc32 the CRC-32 of the content, or -1 when the source records none (plain files)
 * @param fingerprint what the cache key is derived from
 */
record BundledLibrary(String fileName, URL resource, long size, long crc32, String fingerprint) {

    /** The class-path folder of the oneDNN jar's shared libraries. */
    static final String DNNL_FOLDER = "org/bytedeco/dnnl/linux-x86_64/";

    /** The class-path folder of the OpenCL ICD loader jar's shared library. */
    static final String OPENCL_FOLDER = "org/bytedeco/opencl/linux-x86_64/";

    /** Resource of the oneDNN jar's Maven metadata, whose {@code version} names the cache directory. */
    static final String DNNL_POM_PROPERTIES = "META-INF/maven/org.bytedeco/dnnl/pom.properties";

    /**
     * The libraries in load order: libdnnl.so.3 needs libgomp.so.1 (DT_NEEDED) and dlopens libOpenCL.so.1 when it
     * looks for GPUs, so both are loaded first and then match by soname.
     */
    static final List<String> LOAD_ORDER = List.of(
            DNNL_FOLDER + "libgomp.so.1", OPENCL_FOLDER + "libOpenCL.so.1", DNNL_FOLDER + "libdnnl.so.3");

    /**
     * Finds a library resource and reads its identity.
     *
     * @throws IOException naming the resource when it is not on the class path or cannot be inspected
     */
    static BundledLibrary find(ClassLoader loader, String resourcePath) throws IOException {
        URL url = loader.getResource(resourcePath);
        if (url == null) {
            throw new IOException(resourcePath + " is not on the class path (is org.bytedeco:"
                    + (resourcePath.startsWith(OPENCL_FOLDER) ? "opencl" : "dnnl") + ":linux-x86_64 a dependency?)");
        }
        String fileName = resourcePath.substring(resourcePath.lastIndexOf('/') + 1);
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            if (entry.getSize() < 0 || entry.getCrc() < 0) {
                throw new IOException(url + " has no size or CRC-32 in its jar's directory");
            }
            return new BundledLibrary(fileName, url, entry.getSize(), entry.getCrc(),
                    fileName + ":" + entry.getSize() + ":crc32=" + Long.toHexString(entry.getCrc()));
        }
        if ("file".equals(url.getProtocol())) {
            Path file = fileOf(url);
            long size = Files.size(file);
            long modified = Files.getLastModifiedTime(file).toMillis();
            return new BundledLibrary(fileName, url, size, -1, fileName + ":" + size + ":mtime=" + modified);
        }
        throw new IOException("cannot identify " + url + ": neither a jar entry nor a file");
    }

    /** Opens the library's bytes. */
    InputStream open() throws IOException {
        URLConnection connection = resource.openConnection();
        // A fresh JarFile per read: a cached one would stay open (and could be closed by someone else) for the JVM.
        connection.setUseCaches(false);
        return connection.getInputStream();
    }

    private static Path fileOf(URL url) throws IOException {
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("cannot turn " + url + " into a path", e);
        }
    }
}
