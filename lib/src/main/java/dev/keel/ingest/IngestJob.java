package dev.keel.ingest;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

import dev.keel.error.IntegrityException;
import dev.keel.lake.Commit;
import dev.keel.lake.ConflictRetry;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.lake.WriteResult;
import dev.keel.quality.BatchProfile;
import dev.keel.quality.ColumnProfiler;
import dev.keel.quality.ColumnState;
import dev.keel.quality.ColumnSpec;
import dev.keel.quality.Contract;
import dev.keel.quality.Dedup;
import dev.keel.quality.Validation;
import dev.keel.run.RunContext;
import io.delta.tables.DeltaTable;

/**
 * Ingests raw files into a dataset's clean Delta table, rejecting rows into its quarantine table.
 *
 * <p>One pass: the sources are parsed once, cleaned, typed and checked by Spark SQL expressions
 * ({@link Validation}), de-duplicated by primary key, and kept (memory and disk) while the batch's
 * metrics and dataset rules are computed and the two tables are written. Row conservation is
 * proven with independent counts: rows read are counted as the reader produces them, clean and
 * quarantined rows as Delta commits them; read must equal clean + quarantined + duplicates.
 *
 * <p>Failure: when a dataset rule fails, nothing is written to the clean table; when Delta's commit
 * does not hold the counted rows, an append is undone by deleting this run's rows (never by
 * restoring the table, which would undo other writers' commits since), and an overwrite or merge
 * is left in place and the attempt marked REJECTED, saying so. Either way the attempt's
 * quarantined rows and metrics are recorded, and the run ends with an {@link IntegrityException}
 * (exit 3). Every check reads the commit this run made, by the version its write returned.
 *
 * <p>Concurrent writers: keys are checked against the version the attempt started from; when
 * another writer commits the same keys or source files before this attempt's own append lands,
 * the attempt deletes its own rows from both tables and starts again on the newer version
 * (bounded by {@link ConflictRetry}); merges and overwrites rely on Delta's own conflict detection
 * and are retried the same way. Incremental: files already ingested (same path, size and
 * modification time) are skipped; with nothing new, nothing is written.
 *
 * <p>Parallelism follows the number of input splits ({@code spark.sql.files.maxPartitionBytes});
 * de-duplication shuffles into {@code spark.sql.shuffle.partitions}.
 */
public final class IngestJob {
    public static final String RUN_ID = "_ingest_run_id";
    private static final String DUPLICATE = "__duplicate";

    private final RunContext run;
    private final DeltaStore store;
    private final LakeLayout layout;

    public IngestJob(RunContext run) {
        this.run = requireNonNull(run, "run");
        this.store = run.env().store();
        this.layout = run.env().layout();
    }

    public IngestResult ingest(IngestRequest request) {
        String dataset = request.contract().dataset();
        return ConflictRetry.standard().run("ingest into " + layout.dataset(dataset) + " while other writers commit to it",
                () -> attempt(request));
    }

    /**
     * One attempt against the clean table as it is now ({@code basis}): existing keys are read at
     * that version, and a commit of another writer that lands before this attempt's own commit
     * and holds the same keys or files makes it undo its own commits and throw {@link ConflictRetry.LostRace},
     * so that the next attempt starts from the newer version.
     */
    private IngestResult attempt(IngestRequest request) {
        Contract contract = request.contract();
        String dataset = contract.dataset();
        String table = layout.dataset(dataset);
        String quarantineTable = layout.quarantine(dataset);
        DatasetVersions versions = new DatasetVersions(store, layout);
        Optional<TableVersion> basis = store.latest(table);

        List<SourceFile> discovered = SourceFiles.discover(store.spark().sparkContext().hadoopConfiguration(), request.sources());
        List<SourceFile> files = discovered;
        if (request.mode() != IngestMode.OVERWRITE) {
            Set<SourceFile> seen = new HashSet<>(versions.ingestedFiles(dataset).stream().map(SourceFile::normalised).toList());
            files = discovered.stream().filter(f -> !seen.contains(f.normalised())).toList();
        }
        int skipped = discovered.size() - files.size();
        if (files.isEmpty()) {
            run.env().progress().info("nothing new: all " + discovered.size() + " source file(s) were ingested before");
            run.audit("dataset.unchanged", dataset, Map.of("files_skipped", skipped));
            return new IngestResult(dataset, request.mode(), 0, skipped, 0, 0, 0, 0, Map.of(), 0, List.of(),
                    basis, Optional.empty());
        }

        Validation validation = new Validation(contract);
        Dataset<Row> flagged;
        try (RunContext.Step step = run.step("reading " + files.size() + " file(s) of " + dataset + " (" + contract.format().name()
                .toLowerCase(java.util.Locale.ROOT) + ")")) {
            Dataset<Row> raw = new SourceReader(store.spark()).read(contract, files);
            Dataset<Row> validated = validation.apply(raw);
            Optional<Dataset<Row>> existingKeys = request.mode() == IngestMode.APPEND && !contract.primaryKey().isEmpty()
                    ? basis.map(b -> keysNear(contract, store.read(b), validated)) : Optional.empty();
            flagged = markDuplicates(contract, validated, existingKeys)
                    .select(kept(contract).toArray(Column[]::new))
                    .persist(StorageLevel.MEMORY_AND_DISK());
        }
        try {
            return ingestFlagged(request, table, quarantineTable, basis, versions, files, skipped, validation, flagged);
        } finally {
            flagged.unpersist();
        }
    }

    private IngestResult ingestFlagged(IngestRequest request, String table, String quarantineTable, Optional<TableVersion> basis,
            DatasetVersions versions, List<SourceFile> files, int skipped, Validation validation, Dataset<Row> flagged) {
        Contract contract = request.contract();
        String dataset = contract.dataset();
        Column rejected = size(col(Validation.VIOLATIONS)).gt(0);
        Row counts;
        Map<String, Long> byRule;
        BatchProfile profile;
        try (RunContext.Step step = run.step("checking " + validation.ruleLabels().size() + " row rule(s) and "
                + "the dataset rules")) {
            counts = flagged.agg(
                    count(lit(1)).as("read"),
                    sum(when(rejected, 1).otherwise(0)).as("quarantined"),
                    sum(when(col(DUPLICATE), 1).otherwise(0)).as("duplicates"),
                    sum(when(not(rejected).and(not(col(DUPLICATE))), 1).otherwise(0)).as("clean")).first();
            byRule = quarantinedByRule(flagged.filter(rejected));
            profile = BatchProfile.of(contract, clean(contract, flagged), counts.getLong(0), counts.getLong(1),
                    contract.primaryKey().isEmpty() ? Optional.empty() : Optional.of(contract.primaryKey()));
        }
        long rowsRead = counts.getLong(0);
        long quarantined = counts.getLong(1);
        long duplicates = counts.getLong(2);
        long clean = counts.getLong(3);

        Optional<TableVersion> quarantine = Optional.empty();
        if (quarantined > 0) {
            try (RunContext.Step step = run.step("quarantining " + quarantined + " row(s)")) {
                quarantine = Optional.of(writeQuarantine(contract, quarantineTable, flagged.filter(rejected), quarantined));
            }
        }

        List<String> problems = new ArrayList<>();
        if (rowsRead != clean + quarantined + duplicates) {
            problems.add("rows are not conserved: read " + rowsRead + " but clean " + clean + " + quarantined " + quarantined
                    + " + duplicates " + duplicates + " = " + (clean + quarantined + duplicates));
        }
        profile.failures().forEach(f -> problems.add(f.name() + " is " + f.observed() + ", needs " + f.expected()));
        if (!problems.isEmpty()) {
            String error = "Ingest of " + dataset + " rejected, no new version written: " + String.join("; ", problems);
            versions.record(version(request, table, Optional.empty(), DatasetVersion.Status.REJECTED, quarantine, rowsRead, clean,
                    quarantined, duplicates, byRule, profile, files, Optional.of(error), List.of()));
            run.audit("dataset.rejected", dataset, Map.of("problems", problems, "rows_read", rowsRead,
                    "rows_quarantined", quarantined));
            throw new IntegrityException(error + " (quarantined rows and metrics are recorded; see keel data history "
                    + dataset + ")");
        }

        TableVersion written;
        try (RunContext.Step step = run.step("writing " + clean + " clean row(s) to " + table + " (" + request.mode().lower() + ")")) {
            written = writeClean(request, table, clean(contract, flagged), clean);
        } catch (RuntimeException e) {
            if (ConflictRetry.isConflict(e)) {
                quarantine.ifPresent(q -> undo(quarantineTable, col("run_id").equalTo(run.id().value()), quarantined, "quarantine"));
            }
            throw e;
        } catch (Unconserved e) {
            versions.record(version(request, table, e.leftInPlace.map(TableVersion::version), DatasetVersion.Status.REJECTED,
                    quarantine, rowsRead, clean, quarantined, duplicates, byRule, profile, files, Optional.of(e.getMessage()),
                    List.of()));
            run.audit("dataset.rejected", dataset, Map.of("problems", List.of(e.getMessage()), "rows_read", rowsRead,
                    "rows_quarantined", quarantined));
            throw new IntegrityException(e.getMessage());
        }
        if (request.mode() == IngestMode.APPEND) {
            Optional<String> collision = collision(contract, basis, written, files);
            if (collision.isPresent()) {
                undo(table, col(RUN_ID).equalTo(run.id().value()), clean, "clean");
                quarantine.ifPresent(q -> undo(quarantineTable, col("run_id").equalTo(run.id().value()), quarantined, "quarantine"));
                run.env().progress().info(collision.get() + ": this attempt's commits are undone; trying again on the newer version");
                run.audit("dataset.ingest_retried", dataset, Map.of("reason", collision.get(), "undone_version", written.version()));
                throw new ConflictRetry.LostRace(collision.get());
            }
        }
        List<ColumnState> tableColumns;
        try (RunContext.Step step = run.step("merging the column metrics of " + written)) {
            tableColumns = tableColumns(request, basis, written, versions, profile);
        }
        versions.record(version(request, table, Optional.of(written.version()), DatasetVersion.Status.COMMITTED, quarantine,
                rowsRead, clean, quarantined, duplicates, byRule, profile, files, Optional.empty(), tableColumns));
        run.addOutput(written);
        quarantine.ifPresent(run::addOutput);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", written.version());
        details.put("mode", request.mode().lower());
        details.put("files", files.size());
        details.put("rows_read", rowsRead);
        details.put("rows_clean", clean);
        details.put("rows_quarantined", quarantined);
        details.put("rows_duplicate", duplicates);
        details.put("contract_sha256", contract.sha256());
        run.audit("dataset.ingested", dataset, details);
        return new IngestResult(dataset, request.mode(), files.size(), skipped, rowsRead, clean, quarantined, duplicates, byRule,
                validation.ruleLabels().size(), profile.checks(), Optional.of(written), quarantine);
    }

    /**
     * Marks valid rows that share a primary key with a preferred row of the batch (the survivor is
     * deterministic), and, when appending, valid rows whose key the table already holds: append adds
     * new keys, merge updates existing ones.
     */
    private static Dataset<Row> markDuplicates(Contract contract, Dataset<Row> validated, Optional<Dataset<Row>> existingKeys) {
        if (contract.primaryKey().isEmpty()) {
            return validated.withColumn(DUPLICATE, lit(false));
        }
        Column valid = size(col(Validation.VIOLATIONS)).equalTo(0);
        List<Column> partition = new ArrayList<>(List.of(valid));
        contract.primaryKey().forEach(k -> partition.add(col(k)));
        List<Column> order = new ArrayList<>();
        Optional<Dedup> dedup = contract.dedup();
        dedup.ifPresent(d -> order.add(d.keep() == Dedup.Keep.LATEST ? col(d.orderBy()).desc_nulls_last()
                : col(d.orderBy()).asc_nulls_last()));
        order.add(col(SourceReader.SOURCE_FILE).desc());
        order.add(xxhash64(contract.columns().stream().map(c -> col(c.name())).toArray(Column[]::new)).desc());
        WindowSpec window = Window.partitionBy(partition.toArray(Column[]::new)).orderBy(order.toArray(Column[]::new));
        Dataset<Row> marked = validated.withColumn(DUPLICATE, valid.and(row_number().over(window).gt(1)));
        if (existingKeys.isEmpty()) {
            return marked;
        }
        String exists = "__key_exists";
        Dataset<Row> keys = existingKeys.get().distinct().withColumn(exists, lit(true));
        Column join = null;
        for (String k : contract.primaryKey()) {
            Column equal = marked.col(k).eqNullSafe(keys.col(k));
            join = join == null ? equal : join.and(equal);
        }
        List<Column> kept = new ArrayList<>();
        for (String name : marked.columns()) {
            kept.add(name.equals(DUPLICATE)
                    ? marked.col(DUPLICATE).or(valid.and(keys.col(exists).isNotNull())).as(DUPLICATE)
                    : marked.col(name));
        }
        return marked.join(keys, join, "left_outer").select(kept.toArray(Column[]::new));
    }

    /**
     * Why this attempt's append cannot stand, when other writers committed between {@code basis}
     * and {@code written}: its keys (or, without a primary key, its source files) are already in
     * their rows. Blind appends never conflict in Delta, so this is the check that keeps two
     * ingests of one key or one file from both landing. Reads only the other writers' new rows
     * when all they did was append, and the whole version otherwise (a restore or merge between).
     */
    private Optional<String> collision(Contract contract, Optional<TableVersion> basis, TableVersion written,
            List<SourceFile> files) {
        String me = run.id().value();
        List<Commit> others = new ArrayList<>();
        for (long v = basis.map(b -> b.version() + 1).orElse(0L); v < written.version(); v++) {
            store.commit(new TableVersion(written.table(), v)).filter(c -> !c.userMetadata().equals(Optional.of(me)))
                    .ifPresent(others::add);
        }
        if (others.isEmpty()) {
            return Optional.empty();
        }
        boolean appendsOnly = others.stream().allMatch(c -> c.operation().equals("CREATE TABLE")
                || (c.operation().equals("WRITE") && "Append".equals(c.parameters().get("mode"))));
        List<String> runs = others.stream().flatMap(c -> c.userMetadata().stream()).distinct().toList();
        Dataset<Row> rows = store.read(written);
        Dataset<Row> mine = rows.filter(col(RUN_ID).equalTo(me));
        Dataset<Row> theirs = rows.filter(appendsOnly || contract.primaryKey().isEmpty()
                ? col(RUN_ID).isin(runs.toArray()) : col(RUN_ID).notEqual(me));
        String who = "commit(s) " + others.stream().map(c -> Long.toString(c.version())).toList() + " of run(s) " + runs;
        if (contract.primaryKey().isEmpty()) {
            List<String> paths = files.stream().map(SourceFile::path).toList();
            long taken = theirs.filter(col(SourceReader.SOURCE_FILE).isin(paths.toArray())).select(SourceReader.SOURCE_FILE)
                    .distinct().count();
            return taken == 0 ? Optional.empty()
                    : Optional.of(who + " ingested " + taken + " of the same source file(s) concurrently");
        }
        Column[] keys = contract.primaryKey().stream().map(k -> col(k)).toArray(Column[]::new);
        long shared = mine.select(keys).join(theirs.select(keys).distinct(), contract.primaryKey().toArray(String[]::new), "left_semi")
                .count();
        return shared == 0 ? Optional.empty() : Optional.of(who + " committed " + shared + " of the same key(s) concurrently");
    }

    /**
     * Deletes this run's own rows from {@code table} and proves that exactly {@code expected} went:
     * the undo of an attempt never touches another writer's rows.
     */
    private void undo(String table, Column own, long expected, String what) {
        WriteResult deleted = store.delete(table, own, run.id().value());
        long removed = deleted.written() ? metric(store.commit(deleted.version()).orElseThrow(), "numDeletedRows") : 0;
        if (removed != expected) {
            throw new IntegrityException("Undoing this run's " + what + " rows in " + table + " removed " + removed + " row(s), expected "
                    + expected + ": check the table with keel data history before ingesting again");
        }
    }

    /**
     * The table's keys that the batch's valid keys could meet: those within the batch's range of
     * the key's first column. Delta skips every file whose statistics lie outside that range, so
     * when keys grow over time (sequence numbers, timestamps, dated ids) an append reads almost
     * none of the table's keys; random keys (UUIDs) span the range and read them all. The range
     * costs one pass over the batch.
     */
    private static Dataset<Row> keysNear(Contract contract, Dataset<Row> table, Dataset<Row> validated) {
        String first = contract.primaryKey().get(0);
        Dataset<Row> keys = table.select(contract.primaryKey().stream().map(k -> col(k)).toArray(Column[]::new));
        Row range = validated.filter(size(col(Validation.VIOLATIONS)).equalTo(0)).agg(min(col(first)), max(col(first))).first();
        if (range.isNullAt(0) || range.isNullAt(1)) {
            return keys.limit(0);
        }
        return keys.filter(col(first).between(range.get(0), range.get(1)));
    }

    /**
     * The column state of the whole version {@code written}: an overwrite's is its batch's; an
     * append right after the version it started from merges that version's recorded state with
     * the batch's, so a night costs what it added. Otherwise (a merge, another writer's commits in
     * between, a version recorded before keel kept states) one pass over the version computes it.
     */
    private List<ColumnState> tableColumns(IngestRequest request, Optional<TableVersion> basis, TableVersion written,
            DatasetVersions versions, BatchProfile profile) {
        if (request.mode() == IngestMode.OVERWRITE || (basis.isEmpty() && written.version() == 0)) {
            return profile.states();
        }
        if (request.mode() == IngestMode.APPEND && basis.isPresent() && written.version() == basis.get().version() + 1) {
            Optional<List<ColumnState>> before = versions.committed(request.contract().dataset(), basis.get().version())
                    .map(DatasetVersion::tableColumns)
                    .filter(states -> states.stream().map(ColumnState::column).toList()
                            .equals(profile.states().stream().map(ColumnState::column).toList()));
            if (before.isPresent() && !before.get().isEmpty()) {
                List<ColumnState> merged = new ArrayList<>();
                for (int i = 0; i < profile.states().size(); i++) {
                    merged.add(before.get().get(i).merge(profile.states().get(i)));
                }
                return merged;
            }
        }
        return ColumnProfiler.states(store.read(written), request.contract());
    }

    /** What the later passes read: typed columns, lineage, verdicts; the raw text is in the violations' originals. */
    private static List<Column> kept(Contract contract) {
        List<Column> columns = new ArrayList<>();
        contract.columns().forEach(c -> columns.add(col(c.name())));
        for (String name : List.of(SourceReader.SOURCE_FILE, SourceReader.LINE, SourceReader.RAW_LINE, Validation.VIOLATIONS,
                Validation.ORIGINAL, DUPLICATE)) {
            columns.add(col(name));
        }
        return columns;
    }

    private Dataset<Row> clean(Contract contract, Dataset<Row> flagged) {
        List<Column> columns = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            columns.add(col(c.name()));
        }
        columns.add(col(SourceReader.SOURCE_FILE));
        columns.add(lit(run.id().value()).as(RUN_ID));
        return flagged.filter(size(col(Validation.VIOLATIONS)).equalTo(0).and(not(col(DUPLICATE))))
                .select(columns.toArray(Column[]::new));
    }

    private TableVersion writeQuarantine(Contract contract, String quarantineTable, Dataset<Row> rejected, long expected) {
        Dataset<Row> rows = rejected.select(
                lit(run.id().value()).as("run_id"),
                current_timestamp().as("quarantined_at"),
                col(SourceReader.SOURCE_FILE).as("source_file"),
                col(SourceReader.LINE).as("line"),
                col(SourceReader.RAW_LINE).as("raw_line"),
                col(Validation.ORIGINAL).as("values"),
                col(Validation.VIOLATIONS).as("violations"),
                lit(contract.sha256()).as("contract_sha256"));
        TableVersion version = store.append(quarantineTable, rows, WriteOptions.forRun(run.id().value())).version();
        long written = outputRows(store.commit(version).orElseThrow());
        if (written != expected) {
            throw new IntegrityException("Quarantine of " + contract.dataset() + " wrote " + written + " rows, expected "
                    + expected + ": rows are not conserved; nothing was committed to the clean table");
        }
        return version;
    }

    /**
     * Writes the clean rows and proves from the commit it made (never the table's newest, which
     * may be another writer's) that Delta committed exactly {@code expected} rows. When it did not,
     * an append is undone exactly (its rows carry this run's id); an overwrite or merge is left in
     * place, since undoing it could undo other writers' commits too.
     */
    private TableVersion writeClean(IngestRequest request, String table, Dataset<Row> clean, long expected) throws Unconserved {
        Contract contract = request.contract();
        String me = run.id().value();
        WriteOptions options = WriteOptions.forRun(me).withPartitionBy(contract.partitionBy().toArray(String[]::new));
        TableVersion written;
        long committed;
        if (request.mode() == IngestMode.MERGE && store.exists(table)) {
            written = store.operate(table, me, () -> merge(contract, table, clean)).version();
            committed = metric(store.commit(written).orElseThrow(), "numSourceRows");
        } else if (request.mode() == IngestMode.OVERWRITE) {
            written = store.overwrite(table, clean, options).version();
            committed = outputRows(store.commit(written).orElseThrow());
        } else {
            written = store.append(table, clean, options).version();
            committed = outputRows(store.commit(written).orElseThrow());
        }
        if (committed == expected) {
            return written;
        }
        String problem = "The clean write of " + contract.dataset() + " committed " + committed + " rows in version "
                + written.version() + ", expected " + expected + ": rows are not conserved; ";
        if (request.mode() == IngestMode.APPEND) {
            undo(table, col(RUN_ID).equalTo(me), committed, "clean");
            throw new Unconserved(problem + "this run's rows were deleted again, the table holds what it held before plus "
                    + "any other writer's commits", Optional.empty());
        }
        throw new Unconserved(problem + "the " + request.mode().lower() + " is left in place because undoing it could undo "
                + "other writers' commits; check it with keel data history " + contract.dataset() + " and restore the version "
                + "before it with keel data restore if it is wrong", Optional.of(written));
    }

    /** A clean write whose row count Delta did not confirm; {@code leftInPlace} is the version kept, if any. */
    private static final class Unconserved extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Optional<TableVersion> leftInPlace;

        Unconserved(String message, Optional<TableVersion> leftInPlace) {
            super(message);
            this.leftInPlace = leftInPlace;
        }
    }

    private void merge(Contract contract, String table, Dataset<Row> clean) {
        String condition = String.join(" AND ", contract.primaryKey().stream().map(k -> "t.`" + k + "` <=> s.`" + k + "`").toList());
        var builder = DeltaTable.forPath(store.spark(), table).as("t").merge(clean.as("s"), condition);
        var matched = contract.dedup()
                .map(d -> builder.whenMatched("s.`" + d.orderBy() + "` " + (d.keep() == Dedup.Keep.LATEST ? ">=" : "<=")
                        + " t.`" + d.orderBy() + "` OR t.`" + d.orderBy() + "` IS NULL"))
                .orElseGet(builder::whenMatched)
                .updateAll();
        matched.whenNotMatched().insertAll().execute();
    }

    private static long outputRows(Commit commit) {
        return metric(commit, "numOutputRows");
    }

    private static long metric(Commit commit, String name) {
        String value = commit.metrics().get(name);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static Map<String, Long> quarantinedByRule(Dataset<Row> rejected) {
        List<Row> rows = rejected.select(explode(col(Validation.VIOLATIONS)).as("rule")).groupBy("rule").count().collectAsList();
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        rows.forEach(r -> entries.add(Map.entry(r.getString(0), r.getLong(1))));
        entries.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> ordered = new LinkedHashMap<>();
        entries.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    private DatasetVersion version(IngestRequest request, String table, Optional<Long> version, DatasetVersion.Status status,
            Optional<TableVersion> quarantine, long read, long clean, long quarantined, long duplicates,
            Map<String, Long> byRule, BatchProfile profile, List<SourceFile> files, Optional<String> error,
            List<ColumnState> tableColumns) {
        Contract contract = request.contract();
        return new DatasetVersion(contract.dataset(), version, status, run.id().value(), request.mode(), Instant.now(), table,
                quarantine.map(TableVersion::version), read, clean, quarantined, duplicates, byRule, profile.columns(),
                profile.checks(), contract.file(), contract.sha256(), files, error, tableColumns);
    }
}
