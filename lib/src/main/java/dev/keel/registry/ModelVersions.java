package dev.keel.registry;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.WriteOptions;
import dev.keel.split.SplitRef;

/**
 * The {@code _keel/models} table: append-only, one row per model version. The
 * {@code train_}, {@code val_} and {@code test_} table/version pairs pin the split versions a
 * model was trained, validated and tested on.
 */
public final class ModelVersions {
    public static final StructType SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("version", DataTypes.LongType, false)
            .add("artifact_uri", DataTypes.StringType, false)
            .add("model_sha256", DataTypes.StringType, false)
            .add("spec_file", DataTypes.StringType, false)
            .add("spec_sha256", DataTypes.StringType, false)
            .add("task", DataTypes.StringType, false)
            .add("hyper_parameters", new MapType(DataTypes.StringType, DataTypes.StringType, false), false)
            .add("seed", DataTypes.LongType, false)
            .add("train_table", DataTypes.StringType, false)
            .add("train_version", DataTypes.LongType, false)
            .add("train_split", DataTypes.StringType, false)
            .add("val_table", DataTypes.StringType, false)
            .add("val_version", DataTypes.LongType, false)
            .add("val_split", DataTypes.StringType, false)
            .add("test_table", DataTypes.StringType, false)
            .add("test_version", DataTypes.LongType, false)
            .add("test_split", DataTypes.StringType, false)
            .add("metrics", new MapType(DataTypes.StringType, DataTypes.DoubleType, false), false)
            .add("backend", DataTypes.StringType, false)
            .add("workers", DataTypes.IntegerType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("owner", DataTypes.StringType, false)
            .add("created_at", DataTypes.TimestampType, false);

    private final DeltaStore store;
    private final LakeLayout layout;
    private final String path;

    public ModelVersions(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.path = layout.keel(KeelTable.MODELS);
    }

    /** The next version number for {@code name}: one more than the highest registered, 1 for a new name. */
    public long nextVersion(String name) {
        if (!store.exists(path)) {
            return 1;
        }
        Row r = store.read(path).filter(col("name").equalTo(name)).agg(max(col("version"))).first();
        return r.isNullAt(0) ? 1 : r.getLong(0) + 1;
    }

    /**
     * The first version of {@code name} trained from the spec with {@code specSha256} on the train
     * split at {@code train}: the same training, already registered.
     */
    public Optional<Long> trainedBefore(String name, String specSha256, SplitRef train) {
        if (!store.exists(path)) {
            return Optional.empty();
        }
        return store.read(path).filter(col("name").equalTo(name).and(col("spec_sha256").equalTo(specSha256))
                .and(col("train_version").equalTo(train.version())).and(col("train_split").equalTo(train.split())))
                .select("version", "train_table").collectAsList().stream()
                .filter(r -> layout.same(r.getString(1), train.table())).map(r -> r.getLong(0)).min(Long::compare);
    }

    public void register(ModelVersion m) {
        store.ensureTable(path, SCHEMA, List.of(), Map.of());
        Row row = RowFactory.create(m.name(), m.version(), layout.name(m.artifact()), m.modelSha256(), m.specFile(), m.specSha256(),
                m.task(), new HashMap<>(m.hyperParameters()), m.seed(), layout.name(m.train().table()), m.train().version(),
                m.train().split(), layout.name(m.validation().table()), m.validation().version(), m.validation().split(),
                layout.name(m.test().table()), m.test().version(),
                m.test().split(), new HashMap<>(m.metrics()), m.backend(), m.workers(), m.runId(), m.owner(),
                Timestamp.from(m.createdAt()));
        store.append(path, store.spark().createDataFrame(List.of(row), SCHEMA), WriteOptions.forRun(m.runId()));
    }
}
