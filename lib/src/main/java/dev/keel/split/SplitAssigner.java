package dev.keel.split;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Places every row of a dataset in a split, as a pure function of the row's values and the
 * {@link SplitSpec}: never of partitioning, file order or executor count.
 *
 * <p>Without stratification a row's unit (its group, or else its key) is hashed with the seed
 * (xxHash64) to a number in [0, 1) that falls into one fraction's interval: one projection, no
 * shuffle, and a unit keeps its split however the dataset grows.
 *
 * <p>With {@code stratify}, each unit takes the smallest label among its rows; within each label
 * the units are ranked by their hash and cut at the cumulative fractions rounded half-up, so
 * every split holds exactly its share of each label, to the unit. Units that a previous split
 * with the same spec already placed keep their split; new units fill each split's remaining
 * share. This costs two shuffles and a join back to the rows ({@code spark.sql.shuffle.partitions}),
 * all on the units' identity hashes rather than their columns ({@link #identified}).
 */
final class SplitAssigner {
    static final String SPLIT = "split";
    private static final String STRATUM = "__stratum";
    private static final String HASH = "__hash";
    private static final String PREVIOUS = "__previous";
    private static final String STRATUM_KEY = "__stratum_key";
    private static final String OLD = "__old_";
    static final String UNIT_A = "__unit_a";
    static final String UNIT_B = "__unit_b";
    private static final long MASK_53 = (1L << 53) - 1;

    private final SplitSpec spec;

    SplitAssigner(SplitSpec spec) {
        this.spec = requireNonNull(spec, "spec");
    }

    /**
     * The rows with a {@value #SPLIT} column.
     *
     * @param previous the rows of an earlier split made with the same spec, whose units keep
     *     their split; used only with stratification (hashing alone is already stable)
     */
    Dataset<Row> assign(Dataset<Row> rows, Optional<Dataset<Row>> previous) {
        if (spec.stratify().isEmpty()) {
            return rows.withColumn(SPLIT, byHash());
        }
        Dataset<Row> units = stratifiedUnits(rows, previous);
        Column[] output = Stream.concat(Arrays.stream(rows.columns()).map(c -> col(c)), Stream.of(col(SPLIT))).toArray(Column[]::new);
        return identified(rows).join(units, new String[] {UNIT_A, UNIT_B}, "inner")
                .select(output);
    }

    private Dataset<Row> identified(Dataset<Row> rows) {
        return identified(rows, spec.unit());
    }

    /**
     * {@code rows} with the identity of the values of {@code columns}: two independent 64-bit
     * hashes of them (and of which are null) in {@value #UNIT_A} and {@value #UNIT_B}, so that
     * units or keys are grouped and joined on two longs whatever their number of columns. Joining
     * on the columns themselves made the optimiser's constraint inference grow combinatorially with
     * them: thirty key columns ran for tens of minutes.
     */
    static Dataset<Row> identified(Dataset<Row> rows, List<String> columns) {
        return rows.withColumn(UNIT_A, identity(columns, "keel.unit.a")).withColumn(UNIT_B, identity(columns, "keel.unit.b"));
    }

    private static Column identity(List<String> columns, String salt) {
        List<Column> hashed = new ArrayList<>(List.of(lit(salt)));
        for (String c : columns) {
            hashed.add(col(c));
            hashed.add(col(c).isNull());
        }
        return xxhash64(hashed.toArray(Column[]::new));
    }

    private Column[] unitColumns() {
        return spec.unit().stream().map(c -> col(c)).toArray(Column[]::new);
    }

    private Column hash() {
        Column[] hashed = Stream.concat(Stream.of(lit(spec.seed())), Arrays.stream(unitColumns())).toArray(Column[]::new);
        return xxhash64(hashed);
    }

    private Column byHash() {
        Column position = hash().bitwiseAND(lit(MASK_53)).cast("double").divide(lit((double) (1L << 53)));
        List<String> names = spec.fractions().names();
        List<BigDecimal> bounds = spec.fractions().cumulative();
        Column split = when(position.lt(lit(bounds.get(0).doubleValue())), names.get(0));
        for (int i = 1; i < names.size() - 1; i++) {
            split = split.when(position.lt(lit(bounds.get(i).doubleValue())), names.get(i));
        }
        return split.otherwise(names.get(names.size() - 1));
    }

    /**
     * The split of {@code rows}, every one of them a new unit, added to a split that already holds
     * {@code placed} units per split and label (the stratum's string, {@link SplitStatistics#NULL_LABEL}
     * for null): exactly the assignment a split of the whole dataset would give them with the
     * earlier units kept where they are, computed from the new rows alone.
     */
    Dataset<Row> assignNew(Dataset<Row> rows, Map<String, Map<String, Long>> placed) {
        if (spec.stratify().isEmpty()) {
            return rows.withColumn(SPLIT, byHash());
        }
        List<String> names = spec.fractions().names();
        StructType schema = new StructType().add(STRATUM_KEY, DataTypes.StringType, false).add(OLD + "n", DataTypes.LongType, false);
        for (int i = 0; i < names.size(); i++) {
            schema = schema.add(OLD + i, DataTypes.LongType, false);
        }
        Set<String> strata = new TreeSet<>();
        placed.values().forEach(labels -> strata.addAll(labels.keySet()));
        List<Row> counts = new ArrayList<>();
        for (String stratum : strata) {
            Object[] values = new Object[names.size() + 2];
            values[0] = stratum;
            long total = 0;
            for (int i = 0; i < names.size(); i++) {
                long n = placed.getOrDefault(names.get(i), Map.of()).getOrDefault(stratum, 0L);
                values[i + 2] = n;
                total += n;
            }
            values[1] = total;
            counts.add(RowFactory.create(values));
        }
        Dataset<Row> before = rows.sparkSession().createDataFrame(counts, schema);
        Dataset<Row> units = newUnits(rows).withColumn(STRATUM_KEY, coalesce(col(STRATUM).cast("string"),
                lit(SplitStatistics.NULL_LABEL)));
        units = units.join(broadcast(before), new String[] {STRATUM_KEY}, "left").withColumn(PREVIOUS, lit(null).cast("string"));
        WindowSpec stratum = Window.partitionBy(col(STRATUM));
        units = units.withColumn("__n", count(lit(1)).over(stratum).plus(coalesce(col(OLD + "n"), lit(0L))));
        for (int i = 0; i < names.size(); i++) {
            units = units.withColumn("__placed_" + i, coalesce(col(OLD + i), lit(0L)));
        }
        Dataset<Row> placedUnits = place(units);
        Column[] output = Stream.concat(Arrays.stream(rows.columns()).map(c -> col(c)), Stream.of(col(SPLIT))).toArray(Column[]::new);
        return identified(rows).join(placedUnits, new String[] {UNIT_A, UNIT_B}, "inner").select(output);
    }

    /** One row per unit of {@code rows}: its identity, its stratum (the smallest label of its rows) and its hash. */
    private Dataset<Row> newUnits(Dataset<Row> rows) {
        return identified(rows.withColumn(HASH, hash())).groupBy(col(UNIT_A), col(UNIT_B))
                .agg(min(col(spec.stratify().orElseThrow())).as(STRATUM), min(col(HASH)).as(HASH));
    }

    /** One row per unit: its identity ({@link #identified}) and its split. */
    private Dataset<Row> stratifiedUnits(Dataset<Row> rows, Optional<Dataset<Row>> previous) {
        Dataset<Row> units = newUnits(rows);
        if (previous.isPresent()) {
            Dataset<Row> placed = identified(previous.get()).select(col(UNIT_A), col(UNIT_B), col(SPLIT).as(PREVIOUS))
                    .dropDuplicates(UNIT_A, UNIT_B);
            units = units.join(placed, new String[] {UNIT_A, UNIT_B}, "left");
        } else {
            units = units.withColumn(PREVIOUS, lit(null).cast("string"));
        }

        WindowSpec stratum = Window.partitionBy(col(STRATUM));
        List<String> names = spec.fractions().names();
        units = units.withColumn("__n", count(lit(1)).over(stratum));
        for (int i = 0; i < names.size(); i++) {
            units = units.withColumn("__placed_" + i, sum(when(col(PREVIOUS).equalTo(names.get(i)), 1).otherwise(0)).over(stratum));
        }
        return place(units);
    }

    /**
     * Splits of units that carry {@code __n} (units in their stratum), {@code __placed_<i>}
     * (units of the stratum already in split i) and {@value #PREVIOUS} (their split, when placed):
     * placed units keep theirs; new ones, ranked by hash within the stratum, fill each split's
     * remaining share of the stratum.
     */
    private Dataset<Row> place(Dataset<Row> units) {
        List<String> names = spec.fractions().names();
        List<BigDecimal> bounds = spec.fractions().cumulative();
        Column filled = lit(0L);
        List<Column> filledUpTo = new ArrayList<>();
        Column before = lit(0L);
        for (int i = 0; i < names.size(); i++) {
            Column upTo = round(lit(bounds.get(i)).multiply(col("__n")), 0).cast("long");
            Column share = upTo.minus(before);
            filled = filled.plus(greatest(share.minus(col("__placed_" + i)), lit(0L)));
            filledUpTo.add(filled);
            before = upTo;
        }
        Column[] order = {col(HASH), col(UNIT_A), col(UNIT_B)};
        Column rank = row_number().over(Window.partitionBy(col(STRATUM), col(PREVIOUS).isNull()).orderBy(order));
        Column split = when(col(PREVIOUS).isNotNull(), col(PREVIOUS));
        for (int i = 0; i < names.size() - 1; i++) {
            split = split.when(rank.leq(filledUpTo.get(i)), names.get(i));
        }
        split = split.otherwise(names.get(names.size() - 1));

        return units.select(col(UNIT_A), col(UNIT_B), split.as(SPLIT));
    }
}
