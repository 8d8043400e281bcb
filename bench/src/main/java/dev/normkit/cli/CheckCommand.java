package dev.normkit.cli;

import dev.normkit.Shape;
import dev.normkit.conformance.KernelId;
import dev.normkit.conformance.Selection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Every path against the float64 reference: one line per check, exit status 1 if any fails. */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Compare every selected kernel direction on every selected path with the float64 reference,",
            "on random and adversarial inputs. Prints one line per check (max abs, max rel and ULP error",
            "and the tolerance) and exits with status 1 if any check fails.",
        },
        footer = {"", "Examples:",
            "  normkit check",
            "  normkit check --kernels layer_norm,softmax --paths vector,onednn --shapes 3x17,64x768",
            "  normkit check --json check.json",
            "  normkit check --junit check-results.xml"})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--kernels", split = ",", paramLabel = "KERNEL", converter = Converters.KernelConverter.class,
            completionCandidates = Converters.KernelLabels.class,
            description = "Kernels to check (default: all): ${COMPLETION-CANDIDATES}.")
    List<KernelId> kernels = new ArrayList<>();

    @Option(names = "--paths", split = ",", paramLabel = "PATH", converter = Converters.CheckPathConverter.class,
            completionCandidates = Converters.CheckPathLabels.class,
            description = "Paths to check (default: every path available here): ${COMPLETION-CANDIDATES}.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--shapes", split = ",", paramLabel = "SHAPE", converter = Converters.ShapeConverter.class,
            description = "Shapes as RxC, e.g. 3x17,64x768 (default: the conformance corpus of awkward sizes).")
    List<Shape> shapes = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the results as JSON records (kernel, direction, shape, path, inputs, max_abs,"
                    + " max_rel, ulp, tolerance, pass, note, and the hardware: cpu, jdk, onednn_isa, vector_bits).")
    Path json;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Also write the results as JUnit XML: one test case per check, failures with their numbers"
                    + " and note, for CI servers.")
    Path junit;

    @Override
    public Integer call() throws Exception {
        return CheckStep.run(new Selection(kernels, paths, shapes), true, json, junit, spec.commandLine().getOut());
    }
}
