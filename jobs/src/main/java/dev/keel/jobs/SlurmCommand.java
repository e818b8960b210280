package dev.keel.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.keel.error.UsageException;
import dev.keel.slurm.JobStatus;
import dev.keel.slurm.SlurmClient;
import dev.keel.slurm.SlurmClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel slurm}: slurmrestd from the command line: ping, jobs, status, wait, cancel, logs. */
@Command(name = "slurm", mixinStandardHelpOptions = true, description = "Slurm through slurmrestd (slurm.url, slurm.user, KEEL_SLURM_JWT).",
        subcommands = {SlurmCommand.Ping.class, SlurmCommand.Jobs.class, SlurmCommand.Status.class, SlurmCommand.Wait.class,
            SlurmCommand.Cancel.class, SlurmCommand.Logs.class})
final class SlurmCommand extends CommandGroup {
    @ParentCommand
    KeelCommand parent;

    SlurmClient client() {
        Cli cli = parent.cli();
        return SlurmClients.from(cli.config(), cli.actor().name());
    }

    static void print(Cli cli, JobStatus s) {
        cli.out().printf("job %d %-14s %-10s %s%s%s%s%n", s.jobId(), s.name(), s.state(), s.reason().isEmpty() ? "" : "(" + s.reason() + ") ",
                s.exit().map(e -> "exit " + e + " ").orElse(""), s.nodes().isEmpty() ? "" : "on " + s.nodes() + " ",
                s.tres().isEmpty() ? "" : "[" + s.tres() + "]");
    }

    /** {@code keel slurm ping}. */
    @Command(name = "ping", mixinStandardHelpOptions = true, description = "Whether slurmrestd and the controllers answer, and the API version used.")
    static final class Ping implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Override
        public Integer call() {
            SlurmClient client = slurm.client();
            List<String> pings = client.ping();
            slurm.parent.cli().out().printf("slurmrestd answers (API %s); controllers: %s%n", client.version(), String.join(", ", pings));
            return 0;
        }
    }

    /** {@code keel slurm jobs}. */
    @Command(name = "jobs", mixinStandardHelpOptions = true, description = "The jobs Slurm still shows for this user, newest first.")
    static final class Jobs implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Override
        public Integer call() {
            Cli cli = slurm.parent.cli();
            List<JobStatus> jobs = slurm.client().jobs();
            if (cli.json()) {
                cli.printJson(jobs);
            } else if (jobs.isEmpty()) {
                cli.out().println("No job of yours is known to Slurm");
            } else {
                jobs.forEach(j -> print(cli, j));
            }
            return 0;
        }
    }

    /** {@code keel slurm status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "One job's state, reason, exit code, nodes and resources.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Parameters(paramLabel = "JOB", description = "The job id.")
        long job;

        @Override
        public Integer call() {
            Cli cli = slurm.parent.cli();
            JobStatus s = slurm.client().job(job);
            if (cli.json()) {
                cli.printJson(s);
            } else {
                print(cli, s);
            }
            return 0;
        }
    }

    /** {@code keel slurm wait}. */
    @Command(name = "wait", mixinStandardHelpOptions = true, description = {"Wait until a job ends, printing each change of state.",
        "Exits as sbatch --wait does: with the job's exit code (a keel job's own code passes through), 1 when it",
        "ended without one (cancelled, timed out, a signal); 5 when it is still running at --timeout."})
    static final class Wait implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Parameters(paramLabel = "JOB", description = "The job id.")
        long job;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "86400", description = "Give up after; default ${DEFAULT-VALUE}.")
        long timeout;

        @Override
        public Integer call() {
            Cli cli = slurm.parent.cli();
            JobStatus s = slurm.client().await(job, Duration.ofSeconds(timeout), change -> {
                cli.progress().info("job " + change.jobId() + " " + change.state() + (change.reason().isEmpty() ? "" : " (" + change.reason()
                        + ")"));
            });
            if (cli.json()) {
                cli.printJson(s);
            } else {
                print(cli, s);
            }
            return s.waitExitCode();
        }
    }

    /** {@code keel slurm cancel}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job.")
    static final class Cancel implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Parameters(paramLabel = "JOB", description = "The job id.")
        long job;

        @Override
        public Integer call() {
            slurm.client().cancel(job);
            slurm.parent.cli().out().printf("Cancelled job %d%n", job);
            return 0;
        }
    }

    /** {@code keel slurm logs}. */
    @Command(name = "logs", mixinStandardHelpOptions = true, description = "The last lines of a job's output file (read where keel runs).")
    static final class Logs implements Callable<Integer> {
        @ParentCommand
        SlurmCommand slurm;

        @Parameters(paramLabel = "JOB", description = "The job id.")
        long job;

        @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "50", description = "Lines; default ${DEFAULT-VALUE}.")
        int lines;

        @Override
        public Integer call() {
            JobStatus s = slurm.client().job(job);
            Path file = Path.of(s.outputFile());
            try {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(slurm.parent.cli().out()::println);
                return 0;
            } catch (NoSuchFileException e) {
                throw new UsageException("Job " + job + "'s output " + file + " does not exist here" + (s.state().terminal() ? ""
                        : " yet (the job is " + s.state() + ")") + ": read it on a node that mounts " + file.getParent());
            } catch (IOException e) {
                throw new UsageException("Cannot read job " + job + "'s output " + file + " (" + e.getMessage() + ")");
            }
        }
    }
}
