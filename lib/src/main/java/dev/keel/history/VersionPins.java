package dev.keel.history;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;

/**
 * The versions of a table that split manifests and models depend on, found by the column
 * convention {@code <p>table} + {@code <p>version} in {@code _keel/split_manifests} and
 * {@code _keel/models}: a model trained on version 3 of a dataset pins version 3. Recorded table
 * names are compared as locations in this lake ({@link LakeLayout#same}), so a copied or moved lake
 * keeps its pins.
 */
public final class VersionPins {
    private static final List<KeelTable> PINNING = List.of(KeelTable.SPLIT_MANIFESTS, KeelTable.MODELS);

    private final DeltaStore store;
    private final LakeLayout layout;

    public VersionPins(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
    }

    /** Pinned versions of {@code table}, oldest first. */
    public List<TableVersion> of(String table) {
        TreeSet<Long> versions = new TreeSet<>();
        for (KeelTable pinning : PINNING) {
            String path = layout.keel(pinning);
            if (!store.exists(path)) {
                continue;
            }
            Dataset<Row> rows = store.read(path);
            for (String prefix : pairPrefixes(rows.schema())) {
                rows.select(col(prefix + "table"), col(prefix + "version").cast("long")).distinct().collectAsList().forEach(r -> {
                    if (!r.isNullAt(0) && !r.isNullAt(1) && layout.same(r.getString(0), table)) {
                        versions.add(r.getLong(1));
                    }
                });
            }
        }
        return versions.stream().map(v -> new TableVersion(table, v)).toList();
    }

    private static List<String> pairPrefixes(StructType schema) {
        List<String> prefixes = new ArrayList<>();
        for (StructField f : schema.fields()) {
            if (f.name().endsWith("table") && f.dataType() instanceof StringType) {
                String prefix = f.name().substring(0, f.name().length() - "table".length());
                List<String> names = List.of(schema.fieldNames());
                if (names.contains(prefix + "version") && schema.apply(prefix + "version").dataType() instanceof IntegralType) {
                    prefixes.add(prefix);
                }
            }
        }
        return prefixes;
    }
}
