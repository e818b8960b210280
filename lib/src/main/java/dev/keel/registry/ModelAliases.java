package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.ConflictRetry;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.lake.WriteResult;

/**
 * The {@code _keel/model_aliases} table: the append-only history of alias moves. Where an alias
 * points now is the replay of its changes ({@link Registry#holder}); nothing is ever updated.
 */
public final class ModelAliases {
    public static final StructType SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("alias", DataTypes.StringType, false)
            .add("change", DataTypes.LongType, false)
            .add("action", DataTypes.StringType, false)
            .add("version", DataTypes.LongType, false)
            .add("previous_version", DataTypes.LongType, true)
            .add("forced", DataTypes.BooleanType, false)
            .add("reason", DataTypes.StringType, false)
            .add("actor", DataTypes.StringType, false)
            .add("policy_sha256", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("created_at", DataTypes.TimestampType, false);

    private final DeltaStore store;
    private final String path;

    public ModelAliases(DeltaStore store, String path) {
        this.store = requireNonNull(store, "store");
        this.path = requireNonNull(path, "path");
    }

    /**
     * Appends change {@code c}, numbered one more than the alias's changes its caller read. Keyed
     * by the model, the alias and that number in a Delta transaction: of two writers that read the
     * same history, exactly one lands and the other gets a {@link ConflictRetry.LostRace} (or a
     * Delta conflict) to re-read it and decide again.
     *
     * @return the version of the table that holds the change
     */
    public TableVersion append(AliasChange c) {
        store.ensureTable(path, SCHEMA, List.of(), Map.of("delta.appendOnly", "true"));
        Row row = RowFactory.create(c.name(), c.alias(), c.change(), c.action().name().toLowerCase(java.util.Locale.ROOT),
                c.version(), c.previousVersion().orElse(null), c.forced(), c.reason(), c.actor(), c.policySha256(), c.runId(),
                Timestamp.from(c.createdAt()));
        WriteResult written = store.append(path, store.spark().createDataFrame(List.of(row), SCHEMA),
                WriteOptions.forRun(c.runId()).withTransaction("keel.alias." + c.name() + "." + c.alias(), c.change()));
        if (!written.written()) {
            throw new ConflictRetry.LostRace("Change " + c.change() + " of " + c.name() + "@" + c.alias()
                    + " was made by a concurrent run");
        }
        return written.version();
    }
}
