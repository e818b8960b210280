package dev.keel.demo;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a demo drop holds and what ingesting it must produce.
 *
 * @param directory where the raw files are
 * @param files the raw files' names
 * @param lines data lines written (images plus rescans)
 * @param faults every injected fault
 */
public record DropManifest(String directory, List<String> files, long lines, List<InjectedFault> faults) {
    public DropManifest {
        requireNonNull(directory, "directory");
        files = List.copyOf(files);
        faults = List.copyOf(faults);
    }

    /** Lines that must be quarantined. */
    public long expectedQuarantined() {
        return faults.stream().filter(f -> !f.reasons().isEmpty()).count();
    }

    /** Originals replaced by a rescan. */
    public long expectedDuplicates() {
        return faults.stream().filter(f -> f.fault() == Fault.RESCAN).count();
    }

    public long expectedClean() {
        return lines - expectedQuarantined() - expectedDuplicates();
    }
}
