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
     * @param cpuUtilisation mean sampled CPU busy share of the sampled jobs, weighted by their CPU-hours
     * @param gpuUtilisation mean sampled GPU utilisation of the sampled jobs, weighted by their GPU-hours
     */
    public record Line(String key, long jobs, double gpuHours, double cpuHours, double elapsedHours, Optional<Double> cpuUtilisation,
            Optional<Double> gpuUtilisation) {
    }

    /** Totals grouped {@code by} model, user or week, sorted by key. */
    public List<Line> by(String by) {
        Function<LakeRow, String> key = switch (by.toLowerCase(Locale.ROOT)) {
            case "model" -> r -> r.getString("subject");
            case "user" -> r -> r.getString("user");
            case "week" -> r -> week(r.getInstant("started_at"));
            default -> throw new UsageException("Invalid --by '" + by + "': give model, user or week");
        };
        Map<String, Sum> sums = new TreeMap<>();
        kernel.scan(path, Arrays.asList(ComputeUsage.SCHEMA.fieldNames()), Optional.empty(), r -> sums.computeIfAbsent(key.apply(r),
                k -> new Sum()).add(r));
        return sums.entrySet().stream().map(e -> e.getValue().line(e.getKey())).toList();
    }

    /** A group's running totals. */
    private static final class Sum {
        private long jobs;
        private double gpuHours;
        private double cpuHours;
        private double elapsedHours;
        private final double[] cpuBusy = new double[2];
        private final double[] gpuBusy = new double[2];

        void add(LakeRow r) {
            jobs++;
            double gpu = r.getDouble("gpu_hours");
            double cpu = r.getDouble("cpu_hours");
            gpuHours += gpu;
            cpuHours += cpu;
            elapsedHours += r.getLong("elapsed_seconds") / 3600.0;
            weigh(cpuBusy, r, "cpu_utilisation", cpu);
            weigh(gpuBusy, r, "gpu_utilisation", gpu);
        }

        private static void weigh(double[] into, LakeRow r, String column, double hours) {
            if (!r.isNull(column) && hours > 0) {
                into[0] += r.getDouble(column) * hours;
                into[1] += hours;
            }
        }

        Line line(String key) {
            return new Line(key, jobs, gpuHours, cpuHours, elapsedHours, mean(cpuBusy), mean(gpuBusy));
        }

        private static Optional<Double> mean(double[] weighted) {
            return weighted[1] > 0 ? Optional.of(weighted[0] / weighted[1]) : Optional.empty();
        }
    }

    private static String week(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
    }
}
