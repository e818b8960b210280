package dev.keel.quality;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Turns raw rows into typed, cleaned rows with the list of rules each one broke, as Spark SQL
 * expressions only (no per-row user code, so Catalyst optimises and code-generates the whole
 * pass). The input holds each contract column as {@code __raw_<name>} (text, or its own type for
 * binary sources), the reader's malformed-record text as {@link #CORRUPT}, and lineage columns;
 * the output adds each contract column under its own name, {@link #VIOLATIONS} (empty when the row
 * is clean) and {@link #ORIGINAL} (the raw values, only for rejected rows).
 */
public final class Validation {
    /** The raw text of a record the reader could not parse (wrong field count, broken quoting, bad JSON). */
    public static final String CORRUPT = "__corrupt";
    /** Every rule a row broke: {@code malformed}, {@code type:<column>}, {@code not_null:<column>}, {@code <rule>:<column>}, {@code <rule>}. */
    public static final String VIOLATIONS = "_violations";
    /** The raw values of a rejected row, by column. */
    public static final String ORIGINAL = "_original";
    public static final String MALFORMED = "malformed";

    private static final String RAW = "__raw_";
    private static final String CLEAN = "__clean_";
    private static final String REPLACEMENT_CHARACTER = "\uFFFD";

    private final Contract contract;

    public Validation(Contract contract) {
        this.contract = requireNonNull(contract, "contract");
    }

    /** The name a contract column has in the raw input. */
    public static String raw(String column) {
        return RAW + column;
    }

    public Dataset<Row> apply(Dataset<Row> raw) {
        List<Column> cleaned = new ArrayList<>(List.of(col("*")));
        for (ColumnSpec c : contract.columns()) {
            if (isText(raw, c)) {
                cleaned.add(clean(c).as(CLEAN + c.name()));
            }
        }
        Dataset<Row> withClean = raw.select(cleaned.toArray(Column[]::new));

        List<Column> typed = new ArrayList<>(List.of(col("*")));
        for (ColumnSpec c : contract.columns()) {
            typed.add(typed(raw, c).as(c.name()));
        }
        Dataset<Row> withTyped = withClean.select(typed.toArray(Column[]::new));

        Column malformed = malformed(raw);
        Column violations = when(malformed, array(lit(MALFORMED))).otherwise(array_compact(array(violationElements(raw))));
        Dataset<Row> checked = withTyped.withColumn(VIOLATIONS, violations);
        return checked.withColumn(ORIGINAL, when(size(col(VIOLATIONS)).gt(0), original(raw)))
                .drop(contract.columns().stream().filter(c -> isText(raw, c)).map(c -> CLEAN + c.name()).toArray(String[]::new));
    }

    /** Every rule this validation checks, as reported in quarantine reasons (column rules once per column). */
    public List<String> ruleLabels() {
        List<String> labels = new ArrayList<>(List.of(MALFORMED));
        for (ColumnSpec c : contract.columns()) {
            if (c.type() != ColumnType.STRING && c.type() != ColumnType.BINARY) {
                labels.add("type:" + c.name());
            }
            if (!c.nullable()) {
                labels.add("not_null:" + c.name());
            }
        }
        for (RowRule r : contract.rules()) {
            if (r.kind() == RowRule.Kind.SQL) {
                labels.add(r.name());
            } else {
                r.columns().forEach(c -> labels.add(r.name() + ":" + c));
            }
        }
        return labels;
    }

    private static boolean isText(Dataset<Row> raw, ColumnSpec c) {
        StructField f = raw.schema().apply(RAW + c.name());
        return f.dataType().equals(DataTypes.StringType);
    }

    private Column clean(ColumnSpec c) {
        ColumnCleaning cleaning = contract.cleaningOf(c.name());
        Column value = col(RAW + c.name());
        if (cleaning.trim().orElse(contract.trim())) {
            value = trim(value);
        }
        List<String> tokens = new ArrayList<>(contract.nullTokens());
        tokens.addAll(cleaning.nullTokens());
        if (!tokens.isEmpty()) {
            value = when(value.isin(tokens.toArray()), lit(null).cast(DataTypes.StringType)).otherwise(value);
        }
        if (cleaning.letterCase().isPresent()) {
            value = cleaning.letterCase().get() == ColumnCleaning.LetterCase.LOWER ? lower(value) : upper(value);
        }
        for (ColumnCleaning.Replacement r : cleaning.replacements()) {
            value = regexp_replace(value, r.pattern(), r.replacement());
        }
        if (cleaning.defaultValue().isPresent()) {
            value = coalesce(value, lit(cleaning.defaultValue().get()));
        }
        return value;
    }

    private Column typed(Dataset<Row> raw, ColumnSpec c) {
        if (!isText(raw, c)) {
            return col(RAW + c.name()).cast(c.type().sparkType());
        }
        String clean = "`" + CLEAN + c.name() + "`";
        Column value = switch (c.type()) {
            case STRING -> col(CLEAN + c.name());
            case TIMESTAMP -> c.format().map(f -> expr("try_to_timestamp(" + clean + ", " + sqlString(f) + ")"))
                    .orElse(expr("try_cast(" + clean + " AS TIMESTAMP)"));
            case DATE -> c.format().map(f -> expr("to_date(try_to_timestamp(" + clean + ", " + sqlString(f) + "))"))
                    .orElse(expr("try_cast(" + clean + " AS DATE)"));
            default -> expr("try_cast(" + clean + " AS " + c.type().sqlName() + ")");
        };
        ColumnCleaning cleaning = contract.cleaningOf(c.name());
        if (cleaning.unit().isPresent()) {
            UnitConversion u = cleaning.unit().get();
            value = value.multiply(lit(u.scale())).plus(lit(u.offset()));
        }
        return value;
    }

    private Column malformed(Dataset<Row> raw) {
        Column malformed = col(CORRUPT).isNotNull();
        for (ColumnSpec c : contract.columns()) {
            if (isText(raw, c)) {
                malformed = malformed.or(coalesce(col(RAW + c.name()).contains(REPLACEMENT_CHARACTER), lit(false)));
            }
        }
        return malformed;
    }

    private Column[] violationElements(Dataset<Row> raw) {
        List<Column> elements = new ArrayList<>();
        elements.add(lit(null).cast(DataTypes.StringType));
        for (ColumnSpec c : contract.columns()) {
            if (isText(raw, c) && c.type() != ColumnType.STRING) {
                elements.add(when(col(CLEAN + c.name()).isNotNull().and(col(c.name()).isNull()), lit("type:" + c.name())));
            }
            if (!c.nullable()) {
                Column missing = isText(raw, c) ? col(CLEAN + c.name()).isNull() : col(c.name()).isNull();
                elements.add(when(missing, lit("not_null:" + c.name())));
            }
        }
        for (RowRule r : contract.rules()) {
            if (r.kind() == RowRule.Kind.SQL) {
                elements.add(when(not(coalesce(expr(r.sql().orElseThrow()), lit(true))), lit(r.name())));
                continue;
            }
            for (String column : r.columns()) {
                elements.add(when(broken(r, column), lit(r.name() + ":" + column)));
            }
        }
        return elements.toArray(Column[]::new);
    }

    private Column broken(RowRule r, String column) {
        Column value = col(column);
        ColumnType type = contract.column(column).orElseThrow().type();
        return switch (r.kind()) {
            case NOT_NULL -> value.isNull();
            case RANGE -> {
                Column low = r.min().map(m -> value.lt(lit(m))).orElse(lit(false));
                Column high = r.max().map(m -> value.gt(lit(m))).orElse(lit(false));
                yield low.or(high);
            }
            case REGEX -> not(value.cast(DataTypes.StringType).rlike(r.pattern().orElseThrow()));
            case ALLOWED -> not(value.isin(r.allowed().stream().map(a -> lit(a).cast(type.sparkType())).toArray()));
            case SQL -> throw new IllegalStateException("SQL rules are row-level, not per column");
        };
    }

    private Column original(Dataset<Row> raw) {
        List<Column> entries = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            if (c.type() == ColumnType.BINARY) {
                continue;
            }
            entries.add(lit(c.name()));
            entries.add(col(RAW + c.name()).cast(DataTypes.StringType));
        }
        return entries.isEmpty() ? lit(null) : map(entries.toArray(Column[]::new));
    }

    private static String sqlString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
