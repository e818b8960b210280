package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * How a Delta write is made.
 *
 * @param runId stored as the commit's {@code userMetadata}, so {@code DESCRIBE HISTORY} names the run
 * @param transaction an idempotence key: the write is skipped when the table already holds this
 *     application's transaction at this version or a later one
 * @param partitionBy partition columns for a table this write creates
 * @param replaceSchema whether an overwrite may replace the table's schema and partitioning
 *     (Delta's {@code overwriteSchema}); for tables that are rebuilt whole from another table
 * @param mergeSchema whether columns the table lacks are added to it (Delta's {@code mergeSchema}),
 *     for keel's own tables when a version of keel adds a column
 */
public record WriteOptions(
        String runId,
        Optional<Transaction> transaction,
        List<String> partitionBy,
        boolean replaceSchema,
        boolean mergeSchema) {

    /**
     * Delta's idempotent-write identifiers ({@code txnAppId}, {@code txnVersion}).
     *
     * @param appId stable name of the writing application, e.g. {@code keel-ingest-digits}
     * @param version monotonically increasing per application
     */
    public record Transaction(String appId, long version) {
        public Transaction {
            requireNonNull(appId, "appId");
            if (version < 0) {
                throw new IllegalArgumentException("Cannot write: transaction version must be at least 0, cannot be: " + version);
            }
        }
    }

    public WriteOptions {
        requireNonNull(runId, "runId");
        requireNonNull(transaction, "transaction");
        partitionBy = List.copyOf(requireNonNull(partitionBy, "partitionBy"));
    }

    public static WriteOptions forRun(String runId) {
        return new WriteOptions(runId, Optional.empty(), List.of(), false, false);
    }

    public WriteOptions withTransaction(String appId, long version) {
        return new WriteOptions(runId, Optional.of(new Transaction(appId, version)), partitionBy, replaceSchema, mergeSchema);
    }

    public WriteOptions withPartitionBy(String... columns) {
        return new WriteOptions(runId, transaction, List.of(columns), replaceSchema, mergeSchema);
    }

    public WriteOptions withReplacedSchema() {
        return new WriteOptions(runId, transaction, partitionBy, true, mergeSchema);
    }

    public WriteOptions withMergedSchema() {
        return new WriteOptions(runId, transaction, partitionBy, replaceSchema, true);
    }
}
