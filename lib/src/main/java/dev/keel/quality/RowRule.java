package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A rule every row must satisfy, or be quarantined naming it. Like SQL CHECK constraints, a rule
 * whose value is unknown (a null input) passes; nulls are the business of {@link Kind#NOT_NULL}.
 * A column rule is reported per column that broke it, as {@code <rule>:<column>}.
 *
 * @param name the rule's name, as it appears in quarantine reasons
 * @param kind what it checks
 * @param columns the columns it checks (empty for {@link Kind#SQL})
 * @param min inclusive lower bound for {@link Kind#RANGE}
 * @param max inclusive upper bound for {@link Kind#RANGE}
 * @param pattern the regular expression {@link Kind#REGEX} values must match (whole value: anchor it)
 * @param allowed the values {@link Kind#ALLOWED} accepts
 * @param sql a Spark SQL boolean expression over the typed columns, for {@link Kind#SQL}
 */
public record RowRule(
        String name,
        Kind kind,
        List<String> columns,
        Optional<Double> min,
        Optional<Double> max,
        Optional<String> pattern,
        List<String> allowed,
        Optional<String> sql) {

    /** What a row rule checks. */
    public enum Kind { NOT_NULL, RANGE, REGEX, ALLOWED, SQL }

    public RowRule {
        requireNonNull(name, "name");
        requireNonNull(kind, "kind");
        columns = List.copyOf(columns);
        requireNonNull(min, "min");
        requireNonNull(max, "max");
        requireNonNull(pattern, "pattern");
        allowed = List.copyOf(allowed);
        requireNonNull(sql, "sql");
    }
}
