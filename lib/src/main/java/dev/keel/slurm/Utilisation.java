package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How busy a job kept what it was given, from the samples {@code slurm/allocation.sh} wrote on
 * each node ({@code utilisation-HOST.tsv}: time, CPU busy share, GPU utilisation, memory in use).
 *
 * @param cpu mean CPU busy share over all samples (0-1), empty without samples
 * @param gpu mean utilisation of the job's GPUs (0-1), empty where nvidia-smi gave none
 * @param peakMemoryMb the most memory in use on a node, in MiB
 * @param samples how many samples, over all nodes
 * @param source {@code nvidia-smi} when GPU samples were taken, {@code /proc} when only CPU ones, {@code none}
 */
public record Utilisation(Optional<Double> cpu, Optional<Double> gpu, Optional<Long> peakMemoryMb, int samples, String source) {
    public static final Utilisation NONE = new Utilisation(Optional.empty(), Optional.empty(), Optional.empty(), 0, "none");

    public Utilisation {
        requireNonNull(cpu, "cpu");
        requireNonNull(gpu, "gpu");
        requireNonNull(peakMemoryMb, "peakMemoryMb");
        requireNonNull(source, "source");
    }

    /** The samples in the job's state directory; {@link #NONE} when it has none (a job not started from a keel template). */
    public static Utilisation read(Path jobState) {
        if (!Files.isDirectory(jobState)) {
            return NONE;
        }
        double cpuSum = 0;
        double gpuSum = 0;
        int cpuCount = 0;
        int gpuCount = 0;
        long peak = -1;
        int samples = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(jobState, "utilisation-*.tsv")) {
            for (Path file : files) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t", -1);
                    if (f.length < 4) {
                        continue;
                    }
                    samples++;
                    Optional<Double> cpu = number(f[1]);
                    Optional<Double> gpu = number(f[2]);
                    if (cpu.isPresent()) {
                        cpuSum += cpu.get();
                        cpuCount++;
                    }
                    if (gpu.isPresent()) {
                        gpuSum += gpu.get();
                        gpuCount++;
                    }
                    peak = Math.max(peak, number(f[3]).map(Double::longValue).orElse(-1L));
                }
            }
        } catch (IOException e) {
            return NONE;
        }
        if (samples == 0) {
            return NONE;
        }
        return new Utilisation(cpuCount == 0 ? Optional.empty() : Optional.of(cpuSum / cpuCount),
                gpuCount == 0 ? Optional.empty() : Optional.of(gpuSum / gpuCount), peak < 0 ? Optional.empty() : Optional.of(peak), samples,
                gpuCount > 0 ? "nvidia-smi" : "/proc");
    }

    private static Optional<Double> number(String text) {
        try {
            return text.isBlank() ? Optional.empty() : Optional.of(Double.parseDouble(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
