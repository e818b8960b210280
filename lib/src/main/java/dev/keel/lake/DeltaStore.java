package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import scala.Option;

import dev.keel.error.ExternalSystemException;
import dev.keel.error.UsageException;
import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;

/**
 * Delta I/O as every keel job does it: each commit carries the run id as {@code userMetadata},
 * writes can be made idempotent with Delta's {@code txnAppId}/{@code txnVersion}, reads pin a
 * version or a timestamp, and history is typed.
 *
 * <p>Errors at the edges: reading a location that holds no Delta table, or a version that does
 * not exist, fails with a {@link UsageException} naming the location; storage that does not
 * answer fails with an {@link ExternalSystemException}.
 */
public final class DeltaStore {
    /** Session setting that makes SQL commands (UPDATE, MERGE, RESTORE) carry the run id too. */
    public static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";

    private final SparkSession spark;
    private final KernelTables kernel;

    public DeltaStore(SparkSession spark) {
        this.spark = requireNonNull(spark, "spark");
        this.kernel = new KernelTables(spark.sparkContext().hadoopConfiguration());
    }

    /** Spark-free reads of the same tables, for metadata that must be read quickly. */
    public KernelTables kernel() {
        return kernel;
    }

    public SparkSession spark() {
        return spark;
    }

    /** Whether {@code path} holds a Delta table; false when the location does not exist. */
    public boolean exists(String path) {
        return kernel.latestVersion(path).isPresent();
    }

    /**
     * Creates the table with this schema and these properties unless it exists. Safe against other
     * processes creating it at the same moment.
     */
    public void ensureTable(String path, StructType schema, List<String> partitionBy, Map<String, String> properties) {
        if (exists(path)) {
            return;
        }
        ConflictRetry.standard().run("create the Delta table at " + path, () -> {
            if (!exists(path)) {
                DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema);
                if (!partitionBy.isEmpty()) {
                    builder = builder.partitionedBy(partitionBy.toArray(String[]::new));
                }
                for (Map.Entry<String, String> p : properties.entrySet()) {
                    builder = builder.property(p.getKey(), p.getValue());
                }
                DeltaTableBuilder finalBuilder = builder;
                StorageErrors.guard(path, finalBuilder::execute);
            }
            return null;
        });
    }

    public WriteResult append(String path, Dataset<Row> data, WriteOptions options) {
        return write(path, data, SaveMode.Append, options);
    }

    public WriteResult overwrite(String path, Dataset<Row> data, WriteOptions options) {
        return write(path, data, SaveMode.Overwrite, options);
    }

    /** The latest version of the table. */
    public Dataset<Row> read(String path) {
        requireTable(path);
        return StorageErrors.guard(path, () -> spark.read().format("delta").load(path));
    }

    /** Exactly the rows of one version. */
    public Dataset<Row> read(TableVersion version) {
        requireTable(version.table());
        Optional<TableVersion> latest = latest(version.table());
        if (latest.isPresent() && version.version() > latest.get().version()) {
            throw new UsageException("Table " + version.table() + " has no version " + version.version()
                    + ": its latest is " + latest.get().version() + "; 'keel data history' lists them");
        }
        return StorageErrors.guard(version.table(), () -> spark.read().format("delta")
                .option("versionAsOf", version.version()).load(version.table()));
    }

    /** The rows as they were at {@code time}: the latest version committed at or before it. */
    public Dataset<Row> readAsOf(String path, Instant time) {
        requireTable(path);
        return StorageErrors.guard(path, () -> spark.read().format("delta")
                .option("timestampAsOf", Timestamp.from(time).toString()).load(path));
    }

    /** The latest version, or empty when there is no table at {@code path}. */
    public Optional<TableVersion> latest(String path) {
        return kernel.latestVersion(path).map(v -> new TableVersion(path, v));
    }

    /** The newest {@code limit} commits, newest first ({@code DESCRIBE HISTORY}). */
    public List<Commit> history(String path, int limit) {
        requireTable(path);
        return kernel.history(path, limit);
    }

    /** The commit that made {@code version}; empty when the log's retention removed its commit file. */
    public Optional<Commit> commit(TableVersion version) {
        return kernel.commit(version.table(), version.version());
    }

    /**
     * Makes {@code version}'s rows the latest version again (Delta RESTORE, a new version; history
     * kept). Delta commits a restore only onto the snapshot it read: when another writer commits in
     * between, this fails with a conflict and changes nothing.
     *
     * @return the version the restore made
     */
    public WriteResult restore(String path, long version, String runId) {
        requireTable(path);
        return operate(path, runId, () -> DeltaTable.forPath(spark, path).restoreToVersion(version));
    }

    /**
     * Deletes the rows matching {@code condition} (Delta DELETE). Only files holding matching rows
     * are rewritten, so commits of other writers to other files are never undone.
     *
     * @return the version the delete made; {@code written} is false when no row matched
     */
    public WriteResult delete(String path, Column condition, String runId) {
        requireTable(path);
        return operate(path, runId, () -> DeltaTable.forPath(spark, path).delete(condition));
    }

    /**
     * Runs a Delta command (MERGE, UPDATE, DELETE, RESTORE) that commits as run {@code runId}, and
     * finds the commit it made among any that other writers made meanwhile.
     */
    public WriteResult operate(String path, String runId, Runnable command) {
        long before = kernel.latestVersion(path).orElse(-1L);
        commitAs(path, runId, command);
        return ownCommit(path, before, runId);
    }

    /** Runs a Delta command on {@code path} whose commits carry {@code runId}, for a caller that needs no version back. */
    public void commitAs(String path, String runId, Runnable command) {
        Option<String> previous = spark.conf().getOption(USER_METADATA_CONF);
        spark.conf().set(USER_METADATA_CONF, runId);
        try {
            StorageErrors.guard(path, () -> {
                command.run();
                return null;
            });
        } finally {
            if (previous.isDefined()) {
                spark.conf().set(USER_METADATA_CONF, previous.get());
            } else {
                spark.conf().unset(USER_METADATA_CONF);
            }
        }
    }

    private WriteResult write(String path, Dataset<Row> data, SaveMode mode, WriteOptions options) {
        long before = kernel.latestVersion(path).orElse(-1L);
        DataFrameWriter<Row> writer = data.write().format("delta").mode(mode).option("userMetadata", options.runId());
        options.transaction().ifPresent(t -> writer.option("txnAppId", t.appId()).option("txnVersion", t.version()));
        if (options.replaceSchema()) {
            writer.option("overwriteSchema", "true");
        }
        if (options.mergeSchema()) {
            writer.option("mergeSchema", "true");
        }
        if (!options.partitionBy().isEmpty()) {
            writer.partitionBy(options.partitionBy().toArray(String[]::new));
        }
        StorageErrors.guard(path, () -> {
            writer.save(path);
            return null;
        });
        return ownCommit(path, before, options.runId());
    }

    /**
     * The newest commit after {@code before} that carries {@code runId}: a run's writes to one
     * table are sequential, so that is the one it just made, whatever other writers committed.
     */
    private WriteResult ownCommit(String path, long before, String runId) {
        long after = kernel.latestVersion(path).orElseThrow();
        for (long v = after; v > before; v--) {
            Optional<Commit> commit = kernel.commit(path, v);
            if (commit.flatMap(Commit::userMetadata).filter(runId::equals).isPresent()) {
                return new WriteResult(new TableVersion(path, v), true);
            }
        }
        return new WriteResult(new TableVersion(path, after), false);
    }

    private void requireTable(String path) {
        if (!exists(path)) {
            throw new UsageException("No Delta table at " + path + ": check the name and lake.root (keel config show)");
        }
    }

}
