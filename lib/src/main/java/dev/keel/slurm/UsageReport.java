package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import dev.keel.error.UsageException;
import dev.keel.lake.KernelTables;
import dev.keel.lake.LakeRow;

/** {@code keel usage}: {@code _keel/compute_usage} summed by model, user or week, read without Spark. */
public final class UsageReport {
    private final KernelTables kernel;
    private final String path;

    public UsageReport(KernelTables kernel, String path) {
        this.kernel = requireNonNull(kernel, "kernel");
        this.path = requireNonNull(path, "path");
    }

    /**
     * One group's total.
     *
     * @param key the model, user or week (its Monday, UTC)
     * @param jobs Slurm jobs
     * @param gpuHours GPU-hours
     * @param cpuHours CPU-hours
     * @param elapsedHours wall-clock hours the jobs held their allocations
     */
    public record Line(String key, long jobs, double gpuHours, double cpuHours, double elapsedHours) {
        Line plus(LakeRow r) {
            return new Line(key, jobs + 1, gpuHours + r.getDouble("gpu_hours"), cpuHours + r.getDouble("cpu_hours"),
                    elapsedHours + r.getLong("elapsed_seconds") / 3600.0);
        }
    }

    /** Totals grouped {@code by} model, user or week, sorted by key. */
    public List<Line> by(String by) {
        Function<LakeRow, String> key = switch (by.toLowerCase(Locale.ROOT)) {
            case "model" -> r -> r.getString("subject");
            case "user" -> r -> r.getString("user");
            case "week" -> r -> week(r.getInstant("started_at"));
            default -> throw new UsageException("Invalid --by '" + by + "': give model, user or week");
        };
        Map<String, Line> lines = new TreeMap<>();
        kernel.scan(path, Arrays.asList(ComputeUsage.SCHEMA.fieldNames()), Optional.empty(), r -> {
            String k = key.apply(r);
            lines.put(k, lines.getOrDefault(k, new Line(k, 0, 0, 0, 0)).plus(r));
        });
        return List.copyOf(lines.values());
    }

    private static String week(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
    }
}
