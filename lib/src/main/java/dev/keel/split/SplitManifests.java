package dev.keel.split;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;

/**
 * The {@code _keel/split_manifests} table: append-only, one row per materialised split. Its
 * {@code source_table}/{@code source_version} and {@code split_table}/{@code split_version}
 * pairs pin those versions against vacuum.
 */
public final class SplitManifests {
    private static final MapType COUNTS = new MapType(DataTypes.StringType, DataTypes.LongType, false);
    private static final MapType HASHES = new MapType(DataTypes.StringType, DataTypes.StringType, false);

    public static final StructType SCHEMA = new StructType()
            .add("dataset", DataTypes.StringType, false)
            .add("source_table", DataTypes.StringType, false)
            .add("source_version", DataTypes.LongType, false)
            .add("split_table", DataTypes.StringType, false)
            .add("split_version", DataTypes.LongType, false)
            .add("fractions", new MapType(DataTypes.StringType, DataTypes.createDecimalType(10, 8), false), false)
            .add("fraction_order", new ArrayType(DataTypes.StringType, false), false)
            .add("seed", DataTypes.LongType, false)
            .add("key_columns", new ArrayType(DataTypes.StringType, false), false)
            .add("group_column", DataTypes.StringType, true)
            .add("stratify_column", DataTypes.StringType, true)
            .add("rows", COUNTS, false)
            .add("label_rows", new MapType(DataTypes.StringType, COUNTS, false), false)
            .add("key_hashes", HASHES, false)
            .add("row_hashes", HASHES, false)
            .add("key_overlap", DataTypes.LongType, false)
            .add("group_overlap", DataTypes.LongType, true)
            .add("previous_split_version", DataTypes.LongType, true)
            .add("keys_moved", DataTypes.LongType, true)
            .add("run_id", DataTypes.StringType, false)
            .add("recorded_at", DataTypes.TimestampType, false);

    private final DeltaStore store;
    private final LakeLayout layout;
    private final String path;

    public SplitManifests(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.path = layout.keel(KeelTable.SPLIT_MANIFESTS);
    }

    public void record(SplitManifest m) {
        store.ensureTable(path, SCHEMA, List.of(), Map.of());
        store.append(path, store.spark().createDataFrame(List.of(toRow(m)), SCHEMA), WriteOptions.forRun(m.runId()));
    }

    /** Every manifest of {@code dataset}, oldest first. */
    public List<SplitManifest> of(String dataset) {
        if (!store.exists(path)) {
            return List.of();
        }
        List<SplitManifest> manifests = new ArrayList<>(store.read(path).filter(col("dataset").equalTo(dataset)).collectAsList()
                .stream().map(this::fromRow).toList());
        manifests.sort(Comparator.comparing((SplitManifest m) -> m.table().version()).thenComparing(SplitManifest::recordedAt));
        return manifests;
    }

    /** The newest manifest of {@code dataset}. */
    public Optional<SplitManifest> latest(String dataset) {
        List<SplitManifest> all = of(dataset);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The manifest of one split table version; empty when keel did not write that version. */
    public Optional<SplitManifest> at(TableVersion splitTable) {
        if (!store.exists(path)) {
            return Optional.empty();
        }
        return store.read(path).filter(col("split_version").equalTo(splitTable.version())).collectAsList().stream()
                .map(this::fromRow).filter(m -> m.table().equals(splitTable)).findFirst();
    }

    private Row toRow(SplitManifest m) {
        SplitSpec spec = m.spec();
        SplitStatistics s = m.statistics();
        return RowFactory.create(m.dataset(), layout.name(m.source().table()), m.source().version(), layout.name(m.table().table()),
                m.table().version(),
                new LinkedHashMap<>(spec.fractions().fractions()), spec.fractions().names(), spec.seed(), spec.keys(),
                spec.group().orElse(null), spec.stratify().orElse(null), new LinkedHashMap<>(s.rows()),
                new LinkedHashMap<>(s.labels()), new LinkedHashMap<>(s.keyHashes()), new LinkedHashMap<>(s.rowHashes()),
                s.keyOverlap(), s.groupOverlap().orElse(null), m.previous().orElse(null), m.keysMoved().orElse(null), m.runId(),
                Timestamp.from(m.recordedAt()));
    }

    private SplitManifest fromRow(Row r) {
        Map<String, BigDecimal> stored = r.getJavaMap(r.fieldIndex("fractions"));
        Map<String, BigDecimal> fractions = new LinkedHashMap<>();
        for (String name : r.<String>getList(r.fieldIndex("fraction_order"))) {
            fractions.put(name, stored.get(name).stripTrailingZeros());
        }
        SplitSpec spec = new SplitSpec(new SplitFractions(fractions), r.getLong(r.fieldIndex("seed")),
                r.getList(r.fieldIndex("key_columns")), optional(r, "group_column"), optional(r, "stratify_column"));
        Map<String, scala.collection.Map<String, Long>> storedLabels = r.getJavaMap(r.fieldIndex("label_rows"));
        Map<String, Map<String, Long>> labels = new LinkedHashMap<>();
        storedLabels.forEach((split, counts) -> labels.put(split, scala.collection.JavaConverters.mapAsJavaMap(counts)));
        SplitStatistics statistics = new SplitStatistics(ordered(r.getJavaMap(r.fieldIndex("rows")), spec),
                ordered(labels, spec), ordered(r.getJavaMap(r.fieldIndex("key_hashes")), spec),
                ordered(r.getJavaMap(r.fieldIndex("row_hashes")), spec), r.getLong(r.fieldIndex("key_overlap")),
                optionalLong(r, "group_overlap"));
        return new SplitManifest(r.getString(r.fieldIndex("dataset")),
                new TableVersion(layout.locate(r.getString(r.fieldIndex("source_table"))), r.getLong(r.fieldIndex("source_version"))),
                new TableVersion(layout.locate(r.getString(r.fieldIndex("split_table"))), r.getLong(r.fieldIndex("split_version"))),
                spec, statistics, optionalLong(r, "previous_split_version"), optionalLong(r, "keys_moved"),
                r.getString(r.fieldIndex("run_id")), r.getTimestamp(r.fieldIndex("recorded_at")).toInstant());
    }

    /** The map in split order (Spark maps come back unordered). */
    private static <V> Map<String, V> ordered(Map<String, V> map, SplitSpec spec) {
        Map<String, V> ordered = new LinkedHashMap<>();
        spec.fractions().names().stream().filter(map::containsKey).forEach(n -> ordered.put(n, map.get(n)));
        map.forEach(ordered::putIfAbsent);
        return ordered;
    }

    private static Optional<String> optional(Row r, String field) {
        int i = r.fieldIndex(field);
        return r.isNullAt(i) ? Optional.empty() : Optional.of(r.getString(i));
    }

    private static Optional<Long> optionalLong(Row r, String field) {
        int i = r.fieldIndex(field);
        return r.isNullAt(i) ? Optional.empty() : Optional.of(r.getLong(i));
    }
}
