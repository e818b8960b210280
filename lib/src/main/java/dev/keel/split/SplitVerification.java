package dev.keel.split;

import static java.util.Objects.requireNonNull;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What verifying a split table version against its manifest found.
 *
 * @param manifest the manifest checked against
 * @param recomputed the statistics recomputed from the table version
 * @param sourceRows rows in the source dataset version
 * @param problems every difference, one line each; empty when the version is intact
 */
public record SplitVerification(SplitManifest manifest, SplitStatistics recomputed, long sourceRows, List<String> problems) {
    public SplitVerification {
        requireNonNull(manifest, "manifest");
        requireNonNull(recomputed, "recomputed");
        problems = List.copyOf(problems);
    }

    /** Whether the version matches its manifest and nothing leaks. */
    @JsonProperty
    public boolean intact() {
        return problems.isEmpty();
    }
}
