package dev.keel.split;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a split table version holds, computed from its rows: recorded in the manifest when the
 * split is materialised and recomputed by verification, so any changed, added, removed or moved
 * row shows as a difference.
 *
 * <p>Content hashes are order-independent: the sum, modulo 2^64, of two independent xxHash64
 * values of each row's key (or of all its columns), written as 32 hex digits. They do not depend
 * on partitioning or file layout, only on the multiset of values in each split. Spark sums the
 * high and low 32 bits of each hash as plain longs (exact up to 2^31 rows per split and label),
 * and the halves are combined here.
 *
 * @param rows rows per split, in split order
 * @param labels rows per split and label (the {@code stratify} column; empty without one)
 * @param keyHashes order-independent hash of the key columns per split
 * @param rowHashes order-independent hash of every column per split
 * @param keyOverlap keys found in more than one split (a leak; must be 0)
 * @param groupOverlap groups found in more than one split (a leak; must be 0), when grouped
 */
public record SplitStatistics(
        Map<String, Long> rows,
        Map<String, Map<String, Long>> labels,
        Map<String, String> keyHashes,
        Map<String, String> rowHashes,
        long keyOverlap,
        Optional<Long> groupOverlap) {

    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);
    private static final long LOW_32 = 0xFFFFFFFFL;
    private static final int HALVES = 8;
    /** The label under which rows with a null {@code stratify} value are counted. */
    public static final String NULL_LABEL = "<null>";

    public SplitStatistics {
        rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
        Map<String, Map<String, Long>> copied = new LinkedHashMap<>();
        labels.forEach((k, v) -> copied.put(k, Collections.unmodifiableMap(new TreeMap<>(v))));
        labels = Collections.unmodifiableMap(copied);
        keyHashes = Collections.unmodifiableMap(new LinkedHashMap<>(keyHashes));
        rowHashes = Collections.unmodifiableMap(new LinkedHashMap<>(rowHashes));
        requireNonNull(groupOverlap, "groupOverlap");
    }

    /** All rows in all splits. */
    public long total() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Computes the statistics of a split table's rows (with their {@code split} column), for
     * verification: one aggregation by split and label, one by key and, when grouped, one by
     * group for the leaks.
     */
    public static SplitStatistics of(Dataset<Row> table, SplitSpec spec) {
        return compute(table, spec, true);
    }

    private static SplitStatistics compute(Dataset<Row> table, SplitSpec spec, boolean measureKeyOverlap) {
        Column label = spec.stratify().map(s -> col(s).cast("string")).orElse(lit(null).cast("string"));
        List<Column> sums = hashHalves(spec, table.columns()).stream().map(h -> sum(h)).toList();
        List<Row> groups = table.groupBy(col(SplitAssigner.SPLIT), label.as("label"))
                .agg(count(lit(1)), sums.toArray(Column[]::new)).collectAsList();
        Map<String, Tally> tallies = new TreeMap<>();
        for (Row g : groups) {
            Tally t = tallies.computeIfAbsent(g.getString(0), x -> new Tally());
            long[] halves = new long[HALVES];
            for (int i = 0; i < HALVES; i++) {
                halves[i] = g.getLong(3 + i);
            }
            t.add(g.getLong(2), halves);
            if (spec.stratify().isPresent()) {
                t.labels.merge(g.isNullAt(1) ? NULL_LABEL : g.getString(1), g.getLong(2), Long::sum);
            }
        }
        return build(spec, tallies, measureKeyOverlap ? overlap(table, spec.keys()) : 0, spec.group().map(g -> overlap(table, List.of(g))));
    }

    /**
     * The statistics of a table {@link SplitAssigner} just wrote. Without a group, every unit is
     * a key and lands in one split by construction, so the key overlap is 0 without a pass; with
     * a group, keys are checked too, since one key may belong to several groups.
     */
    static SplitStatistics ofAssigned(Dataset<Row> table, SplitSpec spec) {
        return compute(table, spec, spec.group().isPresent());
    }

    /**
     * The statistics of this split table version with {@code added}'s rows appended: counts add,
     * and so do the content hashes, which are sums. The leaks add when the added rows share no key
     * or group with the earlier ones, which the caller must know.
     */
    public SplitStatistics plus(SplitStatistics added) {
        List<String> order = Stream.concat(rows.keySet().stream(), added.rows.keySet().stream()).distinct().toList();
        Map<String, Long> sumRows = new LinkedHashMap<>();
        Map<String, Map<String, Long>> sumLabels = new LinkedHashMap<>();
        Map<String, String> sumKeys = new LinkedHashMap<>();
        Map<String, String> sumRowHashes = new LinkedHashMap<>();
        for (String split : order) {
            sumRows.put(split, rows.getOrDefault(split, 0L) + added.rows.getOrDefault(split, 0L));
            if (labels.containsKey(split) || added.labels.containsKey(split)) {
                Map<String, Long> merged = new TreeMap<>(labels.getOrDefault(split, Map.of()));
                added.labels.getOrDefault(split, Map.of()).forEach((label, n) -> merged.merge(label, n, Long::sum));
                sumLabels.put(split, merged);
            }
            sumKeys.put(split, addHex(keyHashes.get(split), added.keyHashes.get(split)));
            sumRowHashes.put(split, addHex(rowHashes.get(split), added.rowHashes.get(split)));
        }
        Optional<Long> groups = groupOverlap.isPresent() || added.groupOverlap.isPresent()
                ? Optional.of(groupOverlap.orElse(0L) + added.groupOverlap.orElse(0L)) : Optional.empty();
        return new SplitStatistics(sumRows, sumLabels, sumKeys, sumRowHashes, keyOverlap + added.keyOverlap, groups);
    }

    private static String addHex(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return hex(new BigInteger(a.substring(0, 16), 16).add(new BigInteger(b.substring(0, 16), 16)),
                new BigInteger(a.substring(16), 16).add(new BigInteger(b.substring(16), 16)));
    }

    /** The high and low 32 bits of two independent xxHash64 values of the keys, then of every column but {@code split}. */
    private static List<Column> hashHalves(SplitSpec spec, String[] columns) {
        Column[] keys = spec.keys().stream().map(c -> col(c)).toArray(Column[]::new);
        Column[] all = Arrays.stream(columns).filter(c -> !c.equals(SplitAssigner.SPLIT)).map(c -> col(c)).toArray(Column[]::new);
        List<Column> halves = new ArrayList<>();
        for (Column[] hashed : List.of(keys, all)) {
            for (long salt = 0; salt < 2; salt++) {
                Column h = xxhash64(Stream.concat(Stream.of(lit(salt)), Arrays.stream(hashed)).toArray(Column[]::new));
                halves.add(shiftrightunsigned(h, 32));
                halves.add(h.bitwiseAND(lit(LOW_32)));
            }
        }
        return halves;
    }

    private static SplitStatistics build(SplitSpec spec, Map<String, Tally> tallies, long keyOverlap, Optional<Long> groupOverlap) {
        List<String> order = Stream.concat(spec.fractions().names().stream(), tallies.keySet().stream()).distinct()
                .filter(tallies::containsKey).toList();
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Map<String, Long>> labels = new LinkedHashMap<>();
        Map<String, String> keyHashes = new LinkedHashMap<>();
        Map<String, String> rowHashes = new LinkedHashMap<>();
        for (String split : order) {
            Tally t = tallies.get(split);
            rows.put(split, t.rows);
            if (spec.stratify().isPresent()) {
                labels.put(split, t.labels);
            }
            keyHashes.put(split, hex(t.sums[0], t.sums[1]));
            rowHashes.put(split, hex(t.sums[2], t.sums[3]));
        }
        return new SplitStatistics(rows, labels, keyHashes, rowHashes, keyOverlap, groupOverlap);
    }

    private static String hex(BigInteger first, BigInteger second) {
        return String.format("%016x%016x", first.mod(MOD), second.mod(MOD));
    }

    /** One split's rows, hash sums and rows per label, as they are added up. */
    private static final class Tally {
        long rows;
        final BigInteger[] sums = {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
        final Map<String, Long> labels = new TreeMap<>();

        void add(long n, long[] halves) {
            rows += n;
            for (int i = 0; i < sums.length; i++) {
                sums[i] = sums[i].add(BigInteger.valueOf(halves[2 * i]).shiftLeft(32)).add(BigInteger.valueOf(halves[2 * i + 1]));
            }
        }
    }

    /** Values of {@code columns} that occur in more than one split. */
    private static long overlap(Dataset<Row> table, List<String> columns) {
        return table.groupBy(columns.stream().map(c -> col(c)).toArray(Column[]::new))
                .agg(countDistinct(col(SplitAssigner.SPLIT)).as("splits")).filter(col("splits").gt(1)).count();
    }

    /** Differences from {@code expected}, one readable line each; empty when they agree. */
    public List<String> differencesFrom(SplitStatistics expected) {
        List<String> problems = new ArrayList<>();
        compare(problems, "rows", expected.rows, rows);
        compare(problems, "rows per label", expected.labels, labels);
        compare(problems, "key hash", expected.keyHashes, keyHashes);
        compare(problems, "row hash", expected.rowHashes, rowHashes);
        problems.addAll(leaks());
        return problems;
    }

    /** Keys or groups found in more than one split, one line each; empty when there are none. */
    public List<String> leaks() {
        List<String> problems = new ArrayList<>();
        if (keyOverlap != 0) {
            problems.add("key overlap: " + keyOverlap + " key(s) occur in more than one split");
        }
        groupOverlap.filter(g -> g != 0).ifPresent(g -> problems.add("group overlap: " + g + " group(s) occur in more than one split"));
        return problems;
    }

    private static <V> void compare(List<String> problems, String what, Map<String, V> expected, Map<String, V> actual) {
        for (String split : Stream.concat(expected.keySet().stream(), actual.keySet().stream()).distinct().toList()) {
            V e = expected.get(split);
            V a = actual.get(split);
            if (!Objects.equals(e, a)) {
                problems.add(what + " of split '" + split + "': manifest " + (e == null ? "none" : e) + ", table "
                        + (a == null ? "none" : a));
            }
        }
    }
}
