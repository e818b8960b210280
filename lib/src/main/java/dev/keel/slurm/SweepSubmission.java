package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.keel.error.UsageException;
import dev.keel.run.RunContext;
import dev.keel.sweep.Candidate;
import dev.keel.sweep.SweepGrid;

/**
 * {@code keel train submit --sweep GRID}: a grid's candidates as Slurm job arrays of
 * {@code slurm/sweep.sbatch} and a final job that compares them.
 *
 * <p>With a budget, each candidate reserves its worst case (the time limit times its GPUs, or its
 * CPUs when it has none), and only the candidates whose reservations fit are submitted. When
 * waiting, each ended wave is metered and the budget it did not use admits further candidates;
 * submitting stops when the next candidate no longer fits.
 */
public final class SweepSubmission {
    private final RunContext run;
    private final TrainSubmission jobs;
    private final Path keelHome;

    public SweepSubmission(RunContext run, TrainSubmission jobs, Path keelHome) {
        this.run = requireNonNull(run, "run");
        this.jobs = requireNonNull(jobs, "jobs");
        this.keelHome = requireNonNull(keelHome, "keelHome");
    }

    /**
     * A sweep to run.
     *
     * @param train the per-candidate resources, split and base spec
     * @param gridFile the grid
     * @param budgetHours GPU-hours (CPU-hours when the candidates have no GPUs) the candidates may use
     * @param maxParallel at most this many candidates at once
     */
    public record Request(TrainSubmission.Request train, Path gridFile, Optional<Double> budgetHours, Optional<Integer> maxParallel) {
        public Request {
            requireNonNull(train, "train");
            requireNonNull(gridFile, "gridFile");
            requireNonNull(budgetHours, "budgetHours");
            requireNonNull(maxParallel, "maxParallel");
            budgetHours.ifPresent(b -> {
                if (!(b > 0)) {
                    throw new UsageException("Invalid --budget " + b + ": give the GPU-hours the sweep may use, above 0");
                }
                if (train.timeLimit().isEmpty()) {
                    throw new UsageException("--budget needs --time: each candidate reserves its time limit against the budget");
                }
            });
            maxParallel.ifPresent(p -> {
                if (p < 1) {
                    throw new UsageException("Invalid --max-parallel " + p + ": give at least 1");
                }
            });
        }

        /** What one candidate reserves of the budget: its time limit times its GPUs (CPUs without GPUs). */
        public double reservation() {
            TrainSubmission.Request t = train;
            int units = t.gpusPerNode() > 0 ? t.nodes() * t.gpusPerNode() : t.nodes() * t.tasksPerNode();
            return units * t.timeLimit().orElseThrow().toSeconds() / 3600.0;
        }

        public String unit() {
            return train.gpusPerNode() > 0 ? "GPU-hours" : "CPU-hours";
        }
    }

    /**
     * How a sweep was submitted.
     *
     * @param id the sweep id: candidates are tagged {@code sweep:<id>}
     * @param candidates how many the grid makes
     * @param arrays the job arrays submitted, each with its first and last candidate
     * @param comparisonJob the final job
     * @param notSubmitted candidates the budget left out
     * @param spentHours budget units the metered candidates used (0 when not waited for)
     * @param comparison how the final job ended, when waited for
     */
    public record Outcome(String id, int candidates, List<Wave> arrays, long comparisonJob, int notSubmitted, double spentHours,
            Optional<JobStatus> comparison) {
    }

    /** One job array: candidates {@code from} to {@code to}. */
    public record Wave(long jobId, int from, int to) {
    }

    public Outcome submit(Request r, boolean await, Duration timeout) {
        SweepGrid grid = SweepGrid.read(r.gridFile());
        List<Candidate> candidates = grid.expand(r.train().spec());
        String id = run.id().value();
        TrainSubmission.Sweep sweep = freeze(id, grid, r, candidates.size());
        double reservation = r.budgetHours().isPresent() ? r.reservation() : 0;
        int admitted = admit(r, candidates.size(), 0, reservation);
        if (admitted == 0) {
            throw new UsageException(String.format(Locale.ROOT, "--budget %.3f %s is less than one candidate reserves "
                    + "(%.3f: its --time times its %s): raise the budget or shorten --time", r.budgetHours().orElseThrow(), r.unit(),
                    reservation, r.train().gpusPerNode() > 0 ? "GPUs" : "CPUs"));
        }
        List<Wave> waves = new ArrayList<>();
        waves.add(new Wave(jobs.submitCandidates(r.train(), sweep, 0, admitted - 1), 0, admitted - 1));
        int next = admitted;
        double spent = 0;
        if (!await) {
            long comparison = jobs.submitComparison(r.train(), sweep, List.of(waves.get(0).jobId()));
            return audited(new Outcome(id, candidates.size(), waves, comparison, candidates.size() - next, 0, Optional.empty()), r, grid);
        }
        while (true) {
            Wave last = waves.get(waves.size() - 1);
            for (ComputeUsage u : jobs.awaitAndMeterTasks(last.jobId(), r.train().spec().name(), timeout)) {
                spent += r.train().gpusPerNode() > 0 ? u.gpuHours() : u.cpuHours();
            }
            int more = Math.min(admit(r, candidates.size() - next, spent, reservation), candidates.size() - next);
            if (more == 0) {
                break;
            }
            waves.add(new Wave(jobs.submitCandidates(r.train(), sweep, next, next + more - 1), next, next + more - 1));
            next += more;
        }
        long comparison = jobs.submitComparison(r.train(), sweep, List.of());
        JobStatus ended = jobs.awaitAndMeter(comparison, "sweep-compare", r.train().spec().name(), timeout);
        return audited(new Outcome(id, candidates.size(), waves, comparison, candidates.size() - next, spent, Optional.of(ended)), r, grid);
    }

    private static int admit(Request r, int remaining, double spent, double reservation) {
        if (r.budgetHours().isEmpty()) {
            return remaining;
        }
        return (int) Math.min(remaining, Math.floor((r.budgetHours().get() - spent) / reservation + 1e-9));
    }

    /** Copies the base spec and the grid where the tasks read them, so that later edits cannot change a running sweep. */
    private TrainSubmission.Sweep freeze(String id, SweepGrid grid, Request r, int count) {
        Path dir = keelHome.resolve(".keel").resolve("sweeps").resolve(id);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("spec.yaml"), r.train().spec().text(), StandardCharsets.UTF_8);
            Files.copy(r.gridFile(), dir.resolve("grid.yaml"));
        } catch (IOException e) {
            throw new UsageException("Cannot write the sweep's frozen spec and grid to " + dir + " (" + e.getMessage()
                    + "): check KEEL_HOME's permissions");
        }
        return new TrainSubmission.Sweep(id, dir.resolve("grid.yaml"), dir.resolve("spec.yaml"), count, r.maxParallel());
    }

    private Outcome audited(Outcome o, Request r, SweepGrid grid) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sweep", o.id());
        details.put("grid", grid.file());
        details.put("grid_sha256", grid.sha256());
        details.put("candidates", o.candidates());
        details.put("submitted", o.candidates() - o.notSubmitted());
        details.put("arrays", o.arrays().stream().map(w -> w.jobId() + ":" + w.from() + "-" + w.to()).toList());
        details.put("comparison_job", o.comparisonJob());
        r.budgetHours().ifPresent(b -> {
            details.put("budget", b + " " + r.unit());
            details.put("reserved_per_candidate", r.reservation());
            details.put("spent", o.spentHours());
        });
        run.audit("sweep.submitted", r.train().spec().name(), details);
        return o;
    }
}
