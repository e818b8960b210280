package dev.keel.history;

import static java.util.Objects.requireNonNull;

/**
 * How far one column's distribution moved between two versions.
 *
 * @param column the column
 * @param kind {@code numeric} (decile bins of the older version) or {@code categorical} (its most
 *     frequent values plus "other"); nulls are a bin of their own in both
 * @param bins how many bins the index summed over
 * @param psi population stability index: sum over bins of (p_new - p_old) * ln(p_new / p_old)
 * @param drifted whether {@code psi} is above the threshold
 */
public record ColumnDrift(String column, String kind, int bins, double psi, boolean drifted) {
    public ColumnDrift {
        requireNonNull(column, "column");
        requireNonNull(kind, "kind");
    }
}
