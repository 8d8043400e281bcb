package dev.normkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import dev.normkit.conformance.LayerNormReference;
import dev.normkit.conformance.SoftmaxReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code normkit run} on .npy files this test writes itself, byte by byte as NumPy's format documentation describes
 * them (not with the command's own writer), checked against the float64 references of the test module.
 */
class RunCommandTest {

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {}

    private static Result normkit(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = NormkitCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void layerNormAllMatchesTheFloat64ReferenceOnEveryJavaPath() throws IOException {
        for (String path : List.of("scalar", "vector")) {
            int rows = 3;
            int cols = 37;
            float[] src = random(rows * cols, 1, 3.0, 1);
            float[] scale = random(cols, 2, 0.25, 1.0);
            float[] shift = random(cols, 3, 0.5, 0);
            float[] diffDst = random(rows * cols, 4, 1.0, 0);
            Path in = dir.resolve(path);
            Path out = in.resolve("out");
            Result r = normkit("run", "layer_norm", "--path", path, "--direction", "all",
                    "--in", "src=" + npy(in.resolve("x.npy"), 1, src, rows, cols),
                    "--in", "scale=" + npy(in.resolve("g.npy"), 1, scale, cols),
                    "--in", "shift=" + npy(in.resolve("b.npy"), 2, shift, cols),
                    "--in", "diff_dst=" + npy(in.resolve("dy.npy"), 1, diffDst, rows, cols),
                    "--param", "eps=1e-3", "--out", out.toString());
            assertEquals(0, r.status, r.out + r.err);

            LayerNormDesc d = LayerNormDesc.of(Shape.of(rows, cols)).withEps(1e-3f);
            LayerNormReference.Forward f = LayerNormReference.forward(d, widen(src), widen(scale), widen(shift));
            assertClose(f.dst(), read(out.resolve("dst.npy"), rows, cols), 1e-5, path + " dst");
            float[] mean = read(out.resolve("mean.npy"), rows);
            float[] rstd = read(out.resolve("rstd.npy"), rows);
            assertClose(f.mean(), mean, 1e-5, path + " mean");
            assertClose(f.rstd(), rstd, 1e-5, path + " rstd");
            // Backward ran from the statistics this run saved: the reference gets the same f32 values.
            LayerNormReference.Backward b = LayerNormReference.backward(d, widen(src), widen(diffDst), widen(scale),
                    widen(mean), widen(rstd));
            assertClose(b.diffSrc(), read(out.resolve("diff_src.npy"), rows, cols), 1e-4, path + " diff_src");
            assertClose(b.diffScale(), read(out.resolve("diff_scale.npy"), cols), 1e-4, path + " diff_scale");
            assertClose(b.diffShift(), read(out.resolve("diff_shift.npy"), cols), 1e-4, path + " diff_shift");
        }
    }

    @Test
    void softmaxAlongTheFirstAxisFromAVersion2Header() throws IOException {
        Shape shape = Shape.of(5, 3, 4);
        float[] src = random(60, 7, 2.0, 0);
        Result r = normkit("run", "softmax", "--path", "vector", "--direction", "forward",
                "--in", "src=" + npy(dir.resolve("x.npy"), 2, src, 5, 3, 4), "--param", "axis=0",
                "--out", dir.resolve("out").toString());
        assertEquals(0, r.status, r.out + r.err);
        double[] want = SoftmaxReference.forward(SoftmaxDesc.of(shape).withAxis(0), widen(src));
        assertClose(want, read(dir.resolve("out/dst.npy"), 5, 3, 4), 1e-6, "softmax axis 0");
    }

    @Test
    void badInputExitsWithStatus2NamingTheFileOrParameter() throws IOException {
        Path x = npy(dir.resolve("x.npy"), 1, random(12, 1, 1, 0), 3, 4);
        Path g = npy(dir.resolve("g.npy"), 1, random(4, 2, 1, 0), 4);
        Path wrongLength = npy(dir.resolve("g5.npy"), 1, random(5, 2, 1, 0), 5);
        Path f64 = dir.resolve("x64.npy");
        Files.write(f64, npyBytes(1, "<f8", "False", new byte[96], 3, 4));
        Path fortran = dir.resolve("xf.npy");
        Files.write(fortran, npyBytes(1, "<f4", "True", new byte[48], 3, 4));
        String o = dir.resolve("out").toString();

        expectUsage("--in scale: missing", "run", "layer_norm", "--path", "scalar", "--direction", "forward",
                "--in", "src=" + x, "--param", "use_shift=false", "--out", o);
        expectUsage("x64.npy: dtype '<f8'", "run", "relu", "--path", "scalar", "--direction", "forward",
                "--in", "src=" + f64, "--out", o);
        expectUsage("xf.npy: Fortran order", "run", "relu", "--path", "scalar", "--direction", "forward",
                "--in", "src=" + fortran, "--out", o);
        expectUsage("--in scale: shape 5 does not fit", "run", "rms_norm", "--path", "scalar", "--direction",
                "forward", "--in", "src=" + x, "--in", "scale=" + wrongLength, "--out", o);
        expectUsage("--param axis: unknown parameter for layer_norm", "run", "layer_norm", "--path", "scalar",
                "--direction", "forward", "--in", "src=" + x, "--in", "scale=" + g, "--in", "shift=" + g,
                "--param", "axis=0", "--out", o);
        expectUsage("--param eps: expected a number", "run", "rms_norm", "--path", "scalar", "--direction",
                "forward", "--in", "src=" + x, "--in", "scale=" + g, "--param", "eps=tiny", "--out", o);
        expectUsage("--in shift: not an input of rms_norm", "run", "rms_norm", "--path", "scalar", "--direction",
                "forward", "--in", "src=" + x, "--in", "scale=" + g, "--in", "shift=" + g, "--out", o);
        expectUsage("missing.npy: no such file", "run", "relu", "--path", "scalar", "--direction", "forward",
                "--in", "src=" + dir.resolve("missing.npy"), "--out", o);
        expectUsage("--direction: relu has", "run", "relu", "--path", "scalar", "--direction", "forward_training",
                "--in", "src=" + x, "--out", o);
        assertTrue(Files.notExists(dir.resolve("out")), "nothing is written on bad input");
    }

    @Test
    void outputsOfAWholeRunAreShapedAsThePyTorchTensors() {
        Shape data = Shape.of(2, 3, 4);
        assertEquals(data, RunCommand.shapeOf("dst", 24, data));
        assertEquals(Shape.of(2, 3), RunCommand.shapeOf("mean", 6, data));
        assertEquals(Shape.of(4), RunCommand.shapeOf("diff_scale", 4, data));
        assertEquals(Shape.of(3, 4), RunCommand.shapeOf("scale", 12, data));
        assertEquals(Shape.of(2), RunCommand.shapeOf("rstd", 2, data));
        assertEquals("diff_dst", RunCommand.apiName("diffDst"));
    }

    @Test
    void activationParametersGoByTheirPyTorchNamesAndAlphaBetaStillWork() throws IOException {
        float[] src = {-4f, -1f, -0.5f, 0f, 0.5f, 2f};
        Path x = npy(dir.resolve("x.npy"), 1, src, 6);
        // leaky_relu negative_slope = 0.25: s > 0 ? s : s / 4, exact in f32
        Result r = normkit("run", "leaky_relu", "--path", "scalar", "--direction", "forward", "--in", "src=" + x,
                "--param", "negative_slope=0.25", "--out", dir.resolve("slope").toString());
        assertEquals(0, r.status, r.out + r.err);
        assertArrayEquals(new float[] {-1f, -0.25f, -0.125f, 0f, 0.5f, 2f}, read(dir.resolve("slope/dst.npy"), 6));
        // pow by the raw slots: 2 s^2
        r = normkit("run", "pow", "--path", "vector", "--direction", "forward", "--in", "src=" + x,
                "--param", "alpha=2", "--param", "beta=2", "--out", dir.resolve("pow").toString());
        assertEquals(0, r.status, r.out + r.err);
        assertArrayEquals(new float[] {32f, 2f, 0.5f, 0f, 0.5f, 8f}, read(dir.resolve("pow/dst.npy"), 6));
        String o = dir.resolve("out").toString();
        expectUsage("--param slope: unknown parameter for leaky_relu; it takes [negative_slope (alpha)]", "run",
                "leaky_relu", "--path", "scalar", "--direction", "forward", "--in", "src=" + x, "--param", "slope=1",
                "--out", o);
        expectUsage("it takes [no parameters]", "run", "gelu_erf", "--path", "scalar", "--direction", "forward",
                "--in", "src=" + x, "--param", "approximate=1", "--out", o);
        expectUsage("--param alpha: gelu_erf takes no alpha", "run", "gelu_erf", "--path", "scalar", "--direction",
                "forward", "--in", "src=" + x, "--param", "alpha=-0.66", "--out", o);
    }

    @Test
    void descParamsMapEachCatalogueNameToItsSlot() {
        Shape s = Shape.of(4);
        // softplus: PyTorch's beta is the alpha slot, its threshold the beta slot
        ActivationDesc softplus = (ActivationDesc) DescParams.applyAll(ActivationDesc.of(Activation.SOFTPLUS, s),
                java.util.Map.of("beta", "2", "threshold", "15"));
        assertEquals(2f, softplus.alpha());
        assertEquals(15f, softplus.beta());
        ActivationDesc swish = (ActivationDesc) DescParams.apply(ActivationDesc.of(Activation.SWISH, s), "beta", "1.5");
        assertEquals(1.5f, swish.alpha());
        ActivationDesc elu = (ActivationDesc) DescParams.apply(ActivationDesc.of(Activation.ELU, s), "alpha", "0.5");
        assertEquals(0.5f, elu.alpha());
        // bounds above the defaults, the upper one given second: checked together, not min_val 2 against max_val 1
        java.util.Map<String, String> bounds = new java.util.LinkedHashMap<>();
        bounds.put("min_val", "2");
        bounds.put("max_val", "3");
        ActivationDesc hardtanh = (ActivationDesc) DescParams.applyAll(ActivationDesc.of(Activation.HARDTANH, s),
                bounds);
        assertEquals(2f, hardtanh.alpha());
        assertEquals(3f, hardtanh.beta());
        for (Activation a : Activation.values()) {
            List<String> names = DescParams.names(ActivationDesc.of(a, s));
            if (a.alpha().used()) assertTrue(names.contains(a.alpha().name() + " (alpha)"), a + ": " + names);
            if (a.beta().used()) assertTrue(names.contains(a.beta().name() + " (beta)"), a + ": " + names);
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DescParams.apply(ActivationDesc.of(Activation.CELU, s), "alpha", "0"));
        assertTrue(e.getMessage().startsWith("alpha (alpha, "), e.getMessage());
    }

    @Test
    void descParamsSetTheDivisiveChannelWindow() {
        Shape nchw = Shape.of(2, 7, 3, 3);
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("region", "across_channels");
        params.put("local_size", "3");
        params.put("p", "3.2");
        dev.normkit.DivisiveNormDesc d = (dev.normkit.DivisiveNormDesc) DescParams.applyAll(
                dev.normkit.DivisiveNormDesc.of(nchw), params);
        assertEquals(dev.normkit.DivisiveNormDesc.acrossChannels(nchw, 3).withP(3.2f), d);
        // layout alone implies the window; NHWC's C here is 3, so the default 5 becomes 3
        dev.normkit.DivisiveNormDesc last = (dev.normkit.DivisiveNormDesc) DescParams.apply(
                dev.normkit.DivisiveNormDesc.of(Shape.of(2, 4, 4, 3)), "layout", "nhwc");
        assertEquals(dev.normkit.ChannelLayout.NHWC, last.layout());
        assertEquals(3, last.localSize());
        assertTrue(DescParams.names(d).containsAll(List.of("region", "layout", "local_size")));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DescParams.apply(d, "local_size", "4"));
        assertTrue(e.getMessage().startsWith("localSize: must be odd"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DescParams.apply(d, "region", "channels"));
        assertTrue(e.getMessage().startsWith("region: "), e.getMessage());
    }

    private void expectUsage(String message, String... args) {
        Result r = normkit(args);
        assertEquals(2, r.status, String.join(" ", args) + "\n" + r.out + r.err);
        assertTrue(r.err.contains(message), "expected '" + message + "' in: " + r.err);
    }

    // NumPy's .npy format, written and read here independently of the command's NpyFile.

    private static Path npy(Path file, int version, float[] data, long... shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        Files.createDirectories(file.getParent());
        Files.write(file, npyBytes(version, "<f4", "False", b.array(), shape));
        return file;
    }

    private static byte[] npyBytes(int version, String descr, String fortran, byte[] data, long... shape) {
        String dims = shape.length == 1 ? shape[0] + ","
                : String.join(", ", Arrays.stream(shape).mapToObj(Long::toString).toList());
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': (" + dims + "), }";
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(prefix + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    /** Reads an output, checking the header says f32, C order and the expected shape, and the data is 64-aligned. */
    private static float[] read(Path file, long... shape) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(0x93, bytes[0] & 0xff);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6], "version 1.0");
        int len = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(bytes, 10, len, StandardCharsets.US_ASCII);
        assertEquals(0, (10 + len) % 64, "data aligned to 64 bytes: " + header);
        assertTrue(header.endsWith("\n") && header.contains("'descr': '<f4'")
                && header.contains("'fortran_order': False"), header);
        Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
        assertTrue(m.find(), header);
        List<Long> dims = new ArrayList<>();
        for (String d : m.group(1).split(",")) {
            if (!d.isBlank()) dims.add(Long.parseLong(d.trim()));
        }
        assertArrayEquals(shape, dims.stream().mapToLong(Long::longValue).toArray(), file + ": " + header);
        if (shape.length == 1) assertTrue(m.group(1).endsWith(","), "a 1-tuple is written (n,): " + header);
        float[] data = new float[(bytes.length - 10 - len) / 4];
        ByteBuffer.wrap(bytes, 10 + len, data.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        assertEquals(Arrays.stream(shape).reduce(1, (a, c) -> a * c), data.length, file.toString());
        return data;
    }

    private static void assertClose(double[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
            assertTrue(err <= tol, what + "[" + i + "]: got " + got[i] + ", want " + want[i]);
        }
    }

    private static float[] random(int n, long seed, double sd, double mean) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (mean + sd * r.nextGaussian());
        return a;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
