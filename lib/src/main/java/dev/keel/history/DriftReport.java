package dev.keel.history;

import static java.util.Objects.requireNonNull;

import java.util.List;

import dev.keel.lake.TableVersion;

/**
 * Distribution drift of every shared column between two versions of a dataset.
 *
 * @param dataset the dataset
 * @param from the reference version
 * @param to the compared version
 * @param threshold the PSI above which a column counts as drifted
 * @param columns each column's drift, most drifted first
 */
public record DriftReport(String dataset, TableVersion from, TableVersion to, double threshold, List<ColumnDrift> columns) {
    public DriftReport {
        requireNonNull(dataset, "dataset");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        columns = List.copyOf(columns);
    }

    public List<ColumnDrift> drifted() {
        return columns.stream().filter(ColumnDrift::drifted).toList();
    }
}
