package dev.keel.split;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a split request.
 *
 * @param manifest the manifest of the split table version that holds the split
 * @param unchanged true when an identical split of the same dataset version was already the
 *     table's current version, so nothing was written
 */
public record SplitResult(SplitManifest manifest, boolean unchanged) {
    public SplitResult {
        requireNonNull(manifest, "manifest");
    }
}
