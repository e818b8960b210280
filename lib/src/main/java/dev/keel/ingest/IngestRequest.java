package dev.keel.ingest;

import static java.util.Objects.requireNonNull;

import java.util.List;

import dev.keel.quality.Contract;

/**
 * What to ingest.
 *
 * @param contract the dataset's contract (already parsed and checked)
 * @param sources paths, directories or globs of raw files
 * @param mode append, overwrite or merge
 */
public record IngestRequest(Contract contract, List<String> sources, IngestMode mode) {
    public IngestRequest {
        requireNonNull(contract, "contract");
        sources = List.copyOf(sources);
        requireNonNull(mode, "mode");
    }
}
