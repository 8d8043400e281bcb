package dev.normkit.cli;

import dev.normkit.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An f32, C-order array in NumPy's {@code .npy} format (versions 1.0, 2.0 and 3.0), as NumPy documents it in
 * {@code numpy.lib.format}: the magic {@code \x93NUMPY}, a major and minor version byte, the header length (2 bytes
 * little-endian in 1.0, 4 bytes in 2.0 and 3.0), an ASCII (3.0: UTF-8) Python dict literal with keys {@code descr},
 * {@code fortran_order} and {@code shape}, padded with spaces and ended by a newline so the data is aligned, then the
 * data. Only {@code descr} {@code '<f4'} (little-endian float32) in C order is accepted: what normkit computes on.
 *
 * @param shape the array's shape; a 0-d array (shape {@code ()}) is refused
 * @param data  the elements in C order
 */
record NpyFile(Shape shape, float[] data) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy aligns the data to 64 bytes; so does {@link #write}. */
    private static final int ALIGN = 64;

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    /**
     * Reads a {@code .npy} file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong: not .npy, not f32, Fortran order, a size
     *         that does not match the shape
     */
    static NpyFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !ByteBuffer.wrap(bytes, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw new IllegalArgumentException(file + ": not a .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6];
        int headerLength;
        int dataStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(b.getShort(8));
            dataStart = 10 + headerLength;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new IllegalArgumentException(file + ": truncated .npy header");
            headerLength = b.getInt(8);
            dataStart = 12 + headerLength;
        } else {
            throw new IllegalArgumentException(file + ": .npy format version " + major + "." + bytes[7]
                    + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        if (headerLength < 0 || dataStart > bytes.length) {
            throw new IllegalArgumentException(file + ": truncated .npy header");
        }
        String header = new String(bytes, dataStart - headerLength, headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header, file, "descr");
        if (!descr.equals("<f4")) {
            throw new IllegalArgumentException(file + ": dtype '" + descr + "' is not supported; normkit reads"
                    + " little-endian float32 ('<f4'), e.g. numpy.save(f, a.astype('<f4'))");
        }
        if (find(FORTRAN, header, file, "fortran_order").equals("True")) {
            throw new IllegalArgumentException(file + ": Fortran order is not supported; save a C-order array"
                    + " (numpy.ascontiguousarray)");
        }
        Shape shape = shape(find(SHAPE, header, file, "shape"), file);
        long count = shape.elementCount();
        long have = bytes.length - (long) dataStart;
        if (have != count * Float.BYTES) {
            throw new IllegalArgumentException(file + ": shape " + shape + " needs " + count * Float.BYTES
                    + " bytes of data, the file has " + have);
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": " + count + " elements are more than one float[] holds");
        }
        float[] data = new float[(int) count];
        b.position(dataStart);
        b.asFloatBuffer().get(data);
        return new NpyFile(shape, data);
    }

    /** Writes a version 1.0 file, data aligned to 64 bytes as NumPy writes it. */
    static void write(Path file, Shape shape, float[] data) throws IOException {
        if (data.length != shape.elementCount()) {
            throw new IllegalArgumentException(file + ": " + data.length + " values do not fill shape " + shape);
        }
        // Python's tuple syntax: (3,) for one dimension, (2, 3) for more.
        String dims = shape.rank() == 1 ? shape.dim(0) + ","
                : String.join(", ", Arrays.stream(shape.dims()).mapToObj(Long::toString).toList());
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + data.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.asFloatBuffer().put(data);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(file, b.array());
    }

    private static String find(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new IllegalArgumentException(file + ": .npy header has no '" + key + "': " + header.trim());
        return m.group(1);
    }

    private static Shape shape(String tuple, Path file) {
        List<Long> dims = new ArrayList<>();
        for (String d : tuple.split(",")) {
            if (d.isBlank()) continue;
            try {
                dims.add(Long.parseLong(d.trim().replace("L", "")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": .npy shape (" + tuple + ") is not a tuple of integers");
            }
        }
        if (dims.isEmpty()) {
            throw new IllegalArgumentException(file + ": a 0-d array (shape ()) is not a tensor normkit can run on");
        }
        try {
            return Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
