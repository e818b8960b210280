package dev.keel.jobs;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

import dev.keel.error.ExitCode;
import dev.keel.error.KeelException;
import picocli.CommandLine;

/**
 * Entry point of the keel CLI, for {@code scripts/keel}, {@code java -cp ...} and
 * {@code spark-submit --class dev.keel.jobs.KeelMain keel-jobs-shaded.jar ...}. Parses arguments,
 * runs one command, stops Spark and exits with the command's documented exit code.
 */
public final class KeelMain {
    private KeelMain() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Cli cli = Cli.forProcess(out, err);
        int code = run(cli, args);
        cli.createdSession().ifPresent(s -> s.stop());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line against {@code cli} and returns its exit code; never exits the JVM. */
    public static int run(Cli cli, String... args) {
        KeelCommand root = new KeelCommand(cli);
        CommandLine commandLine = new CommandLine(root);
        commandLine.getCommandSpec().usageMessage().footerHeading("%nExit codes:%n").footer(Stream.of(ExitCode.values())
                .map(c -> String.format("  %d  %s", c.code(), c.meaning())).toArray(String[]::new));
        commandLine.setOut(cli.out());
        commandLine.setErr(cli.err());
        cli.arguments(List.of(args));
        commandLine.setExecutionStrategy(parseResult -> {
            if (!root.verbose) {
                return new CommandLine.RunLast().execute(parseResult);
            }
            Level before = org.apache.logging.log4j.LogManager.getRootLogger().getLevel();
            Configurator.setRootLevel(Level.INFO);
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                Configurator.setRootLevel(before);
            }
        });
        commandLine.setParameterExceptionHandler((ex, badArgs) -> {
            String where = ex.getCommandLine().getCommandSpec().qualifiedName();
            cli.err().println("keel: " + ex.getMessage() + " (see '" + where + " --help')");
            cli.err().flush();
            return ExitCode.USAGE.code();
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> report(cli, root.verbose, ex));
        try {
            return commandLine.execute(args);
        } catch (LinkageError | RuntimeException e) {
            return report(cli, root.verbose, e);
        } finally {
            cli.close();
        }
    }

    private static int report(Cli cli, boolean verbose, Throwable ex) {
        if (verbose) {
            ex.printStackTrace(cli.err());
        }
        if (ex instanceof KeelException k) {
            cli.err().println("keel: " + k.getMessage());
            cli.err().flush();
            return k.exitCode().code();
        }
        cli.err().println("keel: unexpected failure: " + ex.getClass().getName() + ": "
                + String.valueOf(ex.getMessage()).lines().findFirst().orElse("")
                + (verbose ? "" : " (rerun with -v for the stack trace)"));
        cli.err().flush();
        return ExitCode.UNEXPECTED.code();
    }
}
