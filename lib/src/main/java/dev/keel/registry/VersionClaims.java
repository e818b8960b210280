package dev.keel.registry;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.ConflictRetry;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.WriteOptions;
import dev.keel.lake.WriteResult;

/**
 * {@code _keel/model_claims}: the version numbers trainings have taken, one row each, append-only.
 * A training claims its number before it writes {@code models/<name>/<version>/}, in a Delta
 * transaction keyed by the model's name and the number, so that two trainings of one model that
 * finish together (the tasks of a sweep) can never take the same number: the loser's commit
 * conflicts and it claims the next one.
 */
public final class VersionClaims {
    public static final StructType SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("version", DataTypes.LongType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("claimed_at", DataTypes.TimestampType, false);

    private final DeltaStore store;
    private final String path;

    public VersionClaims(DeltaStore store, String path) {
        this.store = requireNonNull(store, "store");
        this.path = requireNonNull(path, "path");
    }

    /**
     * Claims the next version of {@code name} for {@code runId}: one more than both the highest
     * claimed and {@code registered} (the registry's own next number, for versions registered
     * before claims were kept).
     */
    public long claim(String name, ToLongFunction<String> registered, String runId, Instant at) {
        store.ensureTable(path, SCHEMA, List.of(), Map.of("delta.appendOnly", "true"));
        return ConflictRetry.standard().run("claim a version number of model " + name + " in " + path, () -> {
            Row r = store.read(path).filter(col("name").equalTo(name)).agg(max(col("version"))).first();
            long version = Math.max(registered.applyAsLong(name), r.isNullAt(0) ? 1 : r.getLong(0) + 1);
            Row claim = RowFactory.create(name, version, runId, Timestamp.from(at));
            WriteResult written = store.append(path, store.spark().createDataFrame(List.of(claim), SCHEMA),
                    WriteOptions.forRun(runId).withTransaction("keel.model-version." + name, version));
            if (!written.written()) {
                throw new ConflictRetry.LostRace("Version " + version + " of " + name + " was claimed by a concurrent training");
            }
            return version;
        });
    }
}
