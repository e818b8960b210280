package dev.keel.split;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
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
 * on partitioning or file layout, only on the multiset of values in each split.
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
     * Computes the statistics of a split table's rows (with their {@code split} column). Two
     * passes: one aggregation by split and label, one by key (and one by group) for the leaks.
     */
    public static SplitStatistics of(Dataset<Row> table, SplitSpec spec) {
        Column[] keys = spec.keys().stream().map(c -> col(c)).toArray(Column[]::new);
        Column[] all = Arrays.stream(table.columns()).filter(c -> !c.equals(SplitAssigner.SPLIT)).map(c -> col(c))
                .toArray(Column[]::new);
        Column label = spec.stratify().map(s -> col(s).cast("string")).orElse(lit(null).cast("string"));
        List<Row> groups = table.groupBy(col(SplitAssigner.SPLIT), label.as("label")).agg(
                count(lit(1)),
                hashSum(keys, lit(0L)), hashSum(keys, lit(1L)),
                hashSum(all, lit(0L)), hashSum(all, lit(1L))).collectAsList();

        Map<String, Long> rows = new TreeMap<>();
        Map<String, Map<String, Long>> labels = new TreeMap<>();
        Map<String, BigInteger[]> sums = new TreeMap<>();
        for (Row g : groups) {
            String split = g.getString(0);
            long n = g.getLong(2);
            rows.merge(split, n, Long::sum);
            if (spec.stratify().isPresent()) {
                labels.computeIfAbsent(split, s -> new TreeMap<>()).merge(g.isNullAt(1) ? NULL_LABEL : g.getString(1), n, Long::sum);
            }
            BigInteger[] s = sums.computeIfAbsent(split, x -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
                BigInteger.ZERO});
            for (int i = 0; i < 4; i++) {
                s[i] = s[i].add(g.getDecimal(3 + i).toBigInteger());
            }
        }
        List<String> order = Stream.concat(spec.fractions().names().stream(), rows.keySet().stream()).distinct()
                .filter(rows::containsKey).toList();
        Map<String, Long> ordered = new LinkedHashMap<>();
        Map<String, Map<String, Long>> orderedLabels = new LinkedHashMap<>();
        Map<String, String> keyHashes = new LinkedHashMap<>();
        Map<String, String> rowHashes = new LinkedHashMap<>();
        for (String split : order) {
            ordered.put(split, rows.get(split));
            if (labels.containsKey(split)) {
                orderedLabels.put(split, labels.get(split));
            }
            BigInteger[] s = sums.get(split);
            keyHashes.put(split, hex(s[0], s[1]));
            rowHashes.put(split, hex(s[2], s[3]));
        }
        long keyOverlap = overlap(table, keys);
        Optional<Long> groupOverlap = spec.group().map(g -> overlap(table, new Column[] {col(g)}));
        return new SplitStatistics(ordered, orderedLabels, keyHashes, rowHashes, keyOverlap, groupOverlap);
    }

    /** Sum of one xxHash64 variant ({@code salt}) of {@code columns}, exact as a decimal. */
    private static Column hashSum(Column[] columns, Column salt) {
        Column[] salted = Stream.concat(Stream.of(salt), Arrays.stream(columns)).toArray(Column[]::new);
        return sum(xxhash64(salted).cast("decimal(20,0)"));
    }

    private static String hex(BigInteger first, BigInteger second) {
        return String.format("%016x%016x", first.mod(MOD), second.mod(MOD));
    }

    /** Values of {@code columns} that occur in more than one split. */
    private static long overlap(Dataset<Row> table, Column[] columns) {
        return table.groupBy(columns).agg(countDistinct(col(SplitAssigner.SPLIT)).as("splits"))
                .filter(col("splits").gt(1)).count();
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
