package dev.normkit.cli;

import dev.normkit.BackendUnavailableException;
import dev.normkit.bench.LibraryLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.RunnerException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code normkit} command line: is every path right (check), how fast is it (bench), what runs here (paths), and
 * all three in one short run (compare). Exit status: 0 success, 1 a check or benchmark failed, 2 bad usage.
 */
@Command(name = "normkit",
        mixinStandardHelpOptions = true,
        versionProvider = NormkitCommand.Version.class,
        description = {
            "Normalization and activation kernels for the JVM on three paths: scalar (plain Java),",
            "vector (Java Vector API) and onednn (oneDNN through FFM). Checks them against a float64",
            "reference and measures them against each other and against a memory copy.",
        },
        subcommands = {
            CompareCommand.class,
            CheckCommand.class,
            BenchCommand.class,
            MixedCommand.class,
            PathsCommand.class,
            RunCommand.class,
            ReportCommand.class,
            CommandLine.HelpCommand.class,
        },
        footer = {"", "Exit status: 0 success, 1 a check or benchmark failed, 2 bad usage."})
public final class NormkitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required (try 'normkit compare')");
    }

    public static void main(String... args) {
        LibraryLog.quiet();
        CommandLine cmd = commandLine();
        int status = cmd.execute(args);
        // Tables are printed with print(), which an auto-flushing writer does not flush.
        cmd.getOut().flush();
        cmd.getErr().flush();
        System.exit(status);
    }

    /**
     * The configured command line, every subcommand writing to one stdout and one stderr writer; tests redirect them
     * with {@code setOut}/{@code setErr}.
     */
    static CommandLine commandLine() {
        return new CommandLine(new NormkitCommand())
                .setOut(new PrintWriter(System.out, true))
                .setErr(new PrintWriter(System.err, true))
                .setParameterExceptionHandler(new UsageErrors())
                .setExecutionExceptionHandler(new RunErrors());
    }

    /** Bad usage: one clear message, a suggestion for mistyped names, and where the help is; exit status 2. */
    static final class UsageErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException e, String[] args) {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(cmd.getColorScheme().errorText(cmd.getCommandName() + ": " + e.getMessage()));
            UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
    }

    /**
     * A failure while running: the message alone for the failures a user can act on (a path that cannot run here,
     * a bad value found late, a file that cannot be written), the stack trace for anything else; exit status 1.
     */
    static final class RunErrors implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandName() + ": " + e.getMessage());
            boolean expected = e instanceof BackendUnavailableException || e instanceof IllegalArgumentException
                    || e instanceof IOException || e instanceof RunnerException;
            if (!expected) e.printStackTrace(err);
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** The version from the jar's manifest, when run from the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NormkitCommand.class.getPackage().getImplementationVersion();
            return new String[] {"normkit " + (v == null ? "(development build)" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
