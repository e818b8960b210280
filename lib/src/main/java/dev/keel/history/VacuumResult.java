package dev.keel.history;

import static java.util.Objects.requireNonNull;

import java.util.List;

import dev.keel.lake.TableVersion;

/**
 * What {@code keel data vacuum} did.
 *
 * @param dataset the dataset
 * @param pins versions of the table recorded in split manifests and models
 * @param filesDeleted data files removed
 * @param pinnedFilesDeleted of those, files a pinned version needed (non-zero only with force)
 * @param forced whether pinned files were deleted on purpose
 * @param retention the deleted-file retention the vacuum honoured
 * @param propertiesAligned whether the table's retention properties were changed to the configured ones first
 */
public record VacuumResult(String dataset, List<TableVersion> pins, long filesDeleted, long pinnedFilesDeleted, boolean forced,
        String retention, boolean propertiesAligned) {
    public VacuumResult {
        requireNonNull(dataset, "dataset");
        pins = List.copyOf(pins);
        requireNonNull(retention, "retention");
    }
}
