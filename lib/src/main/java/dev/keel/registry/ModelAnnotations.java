package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;

/**
 * The {@code _keel/model_annotations} table: tags, owners, accountable people and descriptions
 * set on model versions after training, append-only so that who changed what stays visible.
 */
public final class ModelAnnotations {
    public static final StructType SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("version", DataTypes.LongType, false)
            .add("field", DataTypes.StringType, false)
            .add("value", DataTypes.StringType, false)
            .add("removed", DataTypes.BooleanType, false)
            .add("actor", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("created_at", DataTypes.TimestampType, false);

    private final DeltaStore store;
    private final String path;

    public ModelAnnotations(DeltaStore store, String path) {
        this.store = requireNonNull(store, "store");
        this.path = requireNonNull(path, "path");
    }

    /** Appends {@code annotations} (at least one), returning the version that holds them. */
    public TableVersion append(List<Annotation> annotations) {
        if (annotations.isEmpty()) {
            throw new IllegalArgumentException("Cannot annotate: no annotations given");
        }
        store.ensureTable(path, SCHEMA, List.of(), Map.of("delta.appendOnly", "true"));
        List<Row> rows = annotations.stream().map(a -> RowFactory.create(a.name(), a.version(), a.field().column(), a.value(),
                a.removed(), a.actor(), a.runId(), Timestamp.from(a.createdAt()))).toList();
        return store.append(path, store.spark().createDataFrame(rows, SCHEMA), WriteOptions.forRun(annotations.get(0).runId()))
                .version();
    }
}
