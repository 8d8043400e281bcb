package dev.normkit.cli;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Kernel;
import dev.normkit.KernelDesc;
import dev.normkit.Shape;
import dev.normkit.Support;
import dev.normkit.bench.BytesModel;
import dev.normkit.bench.KernelCalls;
import dev.normkit.bench.TensorSpec;
import dev.normkit.bench.Tensors;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One kernel on NumPy files, for cross-checks from outside the JVM. Generic over the kernel catalogue: the kernel and
 * its directions come from {@link KernelId}, the tensors a direction reads and writes (names, sizes) from
 * {@link BytesModel#tensors}, the call from {@link KernelCalls}, the parameters from {@link DescParams}; nothing here
 * names a kernel.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run one kernel direction on .npy files (little-endian float32, C order) and write each",
            "output as DIR/NAME.npy. Tensor and parameter names are the API's: src, dst, scale, shift,",
            "mean, rstd, diff_dst, diff_src, diff_scale, diff_shift; eps, normalized_axes, use_scale,",
            "use_shift, axis, alpha, beta. The shape comes from src (or dst, or diff_dst).",
            "--direction all runs forward_training (forward where a kernel has none), then backward",
            "from that run's own saved statistics (or dst) and the given diff_dst, and writes every output.",
            "Bad input (a missing or unused input, a wrong dtype, a shape that does not fit, an unknown",
            "parameter) exits with status 2 and names the file or parameter.",
        },
        footer = {"", "Examples:",
            "  normkit run layer_norm --path vector --direction forward --in src=x.npy --in scale=g.npy \\",
            "      --in shift=b.npy --param eps=1e-6 --out out/",
            "  normkit run softmax --path onednn --direction all --in src=x.npy --in diff_dst=dy.npy \\",
            "      --param axis=0 --out out/"})
final class RunCommand implements Callable<Integer> {

    /** Per-row statistics: shaped like the leading (not normalized) axes of the data. */
    private static final Set<String> STATISTICS = Set.of("mean", "rstd");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KERNEL", converter = Converters.KernelConverter.class,
            completionCandidates = Converters.KernelLabels.class,
            description = "The kernel: ${COMPLETION-CANDIDATES}.")
    KernelId kernel;

    @Option(names = "--path", required = true, paramLabel = "PATH", converter = Converters.CheckPathConverter.class,
            completionCandidates = Converters.CheckPathLabels.class,
            description = "The path that runs it: ${COMPLETION-CANDIDATES}.")
    String path;

    @Option(names = "--direction", required = true, paramLabel = "DIRECTION",
            description = "forward, forward_training, backward, backward_from_dst (where the kernel has it), or all.")
    String direction;

    @Option(names = "--in", required = true, paramLabel = "NAME=FILE.npy",
            description = "An input tensor, by its API name.")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A descriptor parameter, by its API name.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write NAME.npy per output.")
    Path out;

    /** A tensor on its way through: its shape and values. */
    private record Tensor(Shape shape, float[] data) {}

    @Override
    public Integer call() throws Exception {
        List<Direction> steps = steps();
        Map<String, Tensor> given = new LinkedHashMap<>();
        inputs.forEach((name, file) -> {
            try {
                NpyFile f = NpyFile.read(file);
                given.put(name, new Tensor(f.shape(), f.data()));
            } catch (IllegalArgumentException e) {
                throw usage("--in " + name + ": " + e.getMessage());
            }
        });
        KernelDesc<?> desc = kernel.desc(dataShape(given));
        try {
            desc = DescParams.applyAll(desc, params); // an activation's parameters are checked together
        } catch (IllegalArgumentException e) {
            throw usage("--param " + e.getMessage());
        }
        checkInputs(desc, steps, given);

        Backend backend = Backends.get(path);
        Support support = backend.support(desc);
        PrintWriter o = spec.commandLine().getOut();
        if (!support.supported()) {
            o.println("run: the " + path + " path does not run " + desc + ": " + support.reason());
            return 1;
        }
        Map<String, Tensor> available = new LinkedHashMap<>(given);
        Map<String, Tensor> results = new LinkedHashMap<>();
        for (Direction d : steps) {
            Map<String, Tensor> produced = run(backend, desc, d, available);
            available.putAll(produced);
            results.putAll(produced);
        }
        for (Map.Entry<String, Tensor> r : results.entrySet()) {
            Path file = out.resolve(r.getKey() + ".npy");
            NpyFile.write(file, r.getValue().shape(), r.getValue().data());
            o.println("wrote " + file + " (" + r.getValue().shape() + ")");
        }
        o.flush();
        return 0;
    }

    /** The directions to run: the one asked for, or for {@code all} the training (or plain) forward and backward. */
    private List<Direction> steps() {
        if (direction.equals("all")) {
            List<Direction> s = new ArrayList<>();
            s.add(kernel.directions().contains(Direction.FORWARD_TRAINING) ? Direction.FORWARD_TRAINING
                    : Direction.FORWARD);
            if (kernel.directions().contains(Direction.BACKWARD)) s.add(Direction.BACKWARD);
            return s;
        }
        Direction d;
        try {
            d = Direction.byLabel(direction);
        } catch (IllegalArgumentException e) {
            throw usage("--direction: unknown '" + direction + "'; " + kernel + " has " + kernel.directions()
                    + " and all");
        }
        if (!kernel.directions().contains(d)) {
            throw usage("--direction: " + kernel + " has " + kernel.directions() + " and all, not " + d);
        }
        return List.of(d);
    }

    /** The data tensors' shape (src, dst, diff_src and diff_dst share it): the first of those given. */
    private Shape dataShape(Map<String, Tensor> given) {
        for (String name : List.of("src", "dst", "diff_dst")) {
            if (given.containsKey(name)) return given.get(name).shape();
        }
        throw usage("--in: give src (or dst, or diff_dst): its shape is the kernel's shape; got " + given.keySet());
    }

    /**
     * Every input each step reads is given or made by an earlier step, with the size the descriptor needs; every given
     * input is read.
     */
    private void checkInputs(KernelDesc<?> desc, List<Direction> steps, Map<String, Tensor> given) {
        Set<String> made = new LinkedHashSet<>();
        Set<String> read = new LinkedHashSet<>();
        for (Direction d : steps) {
            for (TensorSpec s : BytesModel.tensors(desc, d)) {
                String name = apiName(s.name());
                if (s.role() == TensorSpec.Role.OUTPUT) {
                    made.add(name);
                    continue;
                }
                if (made.contains(name)) continue;
                Tensor t = given.get(name);
                Shape want = shapeOf(name, s.floats(), desc.shape());
                if (t == null) {
                    throw usage("--in " + name + ": missing; " + desc.kernelName() + " " + d + " reads it (shape "
                            + want + ")" + (name.equals("scale") || name.equals("shift")
                                    ? ", or set --param use_" + name + "=false" : ""));
                }
                boolean data = s.floats() == desc.shape().elementCount();
                if (data ? !t.shape().equals(desc.shape()) : t.data().length != s.floats()) {
                    throw usage("--in " + name + ": shape " + t.shape() + " does not fit; " + desc.kernelName()
                            + " needs " + want + " (" + desc + ")");
                }
                read.add(name);
            }
        }
        for (String name : given.keySet()) {
            if (!read.contains(name)) {
                throw usage("--in " + name + ": not an input of " + desc.kernelName() + " " + direction + "; it reads "
                        + read);
            }
        }
    }

    /** Runs one direction on native tensors and returns its outputs. */
    private static Map<String, Tensor> run(Backend backend, KernelDesc<?> desc, Direction d,
            Map<String, Tensor> available) {
        List<TensorSpec> specs = BytesModel.tensors(desc, d);
        Map<String, Tensor> produced = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined(); Kernel k = backend.create(desc)) {
            Tensors t = Tensors.allocateNative(specs, arena);
            for (TensorSpec s : specs) {
                if (s.role() == TensorSpec.Role.INPUT) {
                    float[] values = available.get(apiName(s.name())).data();
                    MemorySegment.copy(values, 0, t.segment(s.name()), ValueLayout.JAVA_FLOAT, 0, values.length);
                }
            }
            KernelCalls.bind(k, d, t, false).run();
            for (TensorSpec s : specs) {
                if (s.role() == TensorSpec.Role.OUTPUT) {
                    String name = apiName(s.name());
                    produced.put(name, new Tensor(shapeOf(name, s.floats(), desc.shape()), t.read(s.name())));
                }
            }
        }
        return produced;
    }

    /**
     * The shape a tensor of {@code floats} values has next to data of shape {@code data}: the data's own; for
     * statistics the leading axes; for per-column tensors (scale, shift and their gradients) the trailing axes.
     */
    static Shape shapeOf(String name, long floats, Shape data) {
        if (floats == data.elementCount()) return data;
        long[] dims = data.dims();
        boolean leading = STATISTICS.contains(name);
        for (int k = 1; k < dims.length; k++) {
            int from = leading ? 0 : dims.length - k;
            int to = leading ? k : dims.length;
            if ((leading ? data.sizeBefore(k) : data.sizeFrom(dims.length - k)) == floats) {
                return Shape.of(Arrays.copyOfRange(dims, from, to));
            }
        }
        return Shape.of(floats);
    }

    /** {@code diffDst} as the API's docs write it: {@code diff_dst}. */
    static String apiName(String argumentName) {
        return argumentName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
