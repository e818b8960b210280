package dev.keel.split;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.ingest.DatasetVersion;
import dev.keel.ingest.DatasetVersions;
import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.lake.Commit;
import dev.keel.lake.ConflictRetry;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.lake.WriteResult;
import dev.keel.quality.Contract;
import dev.keel.quality.ContractParser;
import dev.keel.run.RunContext;

/**
 * Materialises a split of one dataset version as one new version of {@code splits/<dataset>}:
 * the dataset's rows plus a {@code split} column, partitioned by split. Rows per split and label,
 * content hashes and leaks are recorded in {@code _keel/split_manifests} only when the version is
 * whole: every source row present once and no key or group in two splits. A version without a
 * manifest cannot be read through a {@link SplitRef}; {@code keel split verify} recomputes
 * everything from Delta.
 *
 * <p>Incremental: when the dataset only grew by keel ingests' appends since the last split with
 * the same spec, keyed by the primary key those ingests keep unique, the new version appends only
 * the new rows' assignments (the same a whole split would give them) and its manifest is the
 * previous one plus theirs (counts and hash sums add; new keys cannot leak into old splits). An
 * overwrite, merge or restore of the dataset, another key, a group or a changed spec make a whole
 * version, overwriting the previous one (which time travel keeps). So a split table grown night by
 * night holds about one copy of the dataset, and a night's split costs what the night added.
 *
 * <p>Idempotent: when the table's current version is a split of the same dataset version with
 * the same spec, nothing is written. Stable: a key keeps its split when the dataset grows; a
 * whole version's manifest counts the keys of the previous split that moved. Two splits of one
 * dataset at once: the one that commits second finds its base taken and starts again.
 *
 * <p>Assignment is a projection without stratification and two shuffles and a join with it
 * ({@code spark.sql.shuffle.partitions}); the statistics are one aggregation of the written
 * (or, incrementally, the added) rows by split and label, and for grouped splits one shuffle each
 * of keys and groups to count leaks.
 */
public final class SplitJob {
    private final RunContext run;
    private final DeltaStore store;
    private final LakeLayout layout;
    private final SplitManifests manifests;

    public SplitJob(RunContext run) {
        this.run = requireNonNull(run, "run");
        this.store = run.env().store();
        this.layout = run.env().layout();
        this.manifests = new SplitManifests(store, layout);
    }

    public SplitResult split(SplitRequest request) {
        String dataset = request.dataset();
        String sourceTable = layout.dataset(dataset);
        if (!store.exists(sourceTable)) {
            throw new UsageException("Dataset '" + dataset + "' has no table at " + sourceTable + ": ingest it first with keel ingest");
        }
        TableVersion source = new TableVersion(sourceTable, request.version().orElseGet(() -> store.latest(sourceTable).orElseThrow()
                .version()));
        Dataset<Row> rows = store.read(source);
        Optional<List<String>> primaryKey = primaryKey(dataset, source);
        SplitSpec spec = new SplitSpec(request.fractions(), request.seed(), request.keys().isEmpty()
                ? primaryKey.orElseGet(() -> Arrays.stream(rows.columns()).filter(c -> !c.startsWith("_")).toList()) : request.keys(),
                request.group(), request.stratify());
        checkColumns(dataset, rows, spec);
        SplitResult result = ConflictRetry.standard().run("split " + source + " while another split of " + dataset + " commits",
                () -> splitOnce(dataset, source, rows, spec, primaryKey));
        run.addInput(source);
        if (!result.unchanged()) {
            run.addOutput(result.manifest().table());
        }
        return result;
    }

    /**
     * One attempt against the split table as it is now. Its write is keyed by the table version it
     * read (a Delta transaction), so of two splits of one dataset that read the same version only
     * one commits; the other throws {@link ConflictRetry.LostRace} and starts again.
     */
    private SplitResult splitOnce(String dataset, TableVersion source, Dataset<Row> rows, SplitSpec spec,
            Optional<List<String>> primaryKey) {
        String splitTable = layout.splits(dataset);
        Optional<TableVersion> current = store.latest(splitTable);
        List<SplitManifest> earlier = manifests.of(dataset);
        Optional<SplitManifest> last = earlier.isEmpty() ? Optional.empty() : Optional.of(earlier.get(earlier.size() - 1));
        if (last.isPresent() && last.get().spec().equals(spec) && last.get().source().equals(source)
                && current.equals(Optional.of(last.get().table()))) {
            run.env().progress().info("unchanged: " + last.get().table() + " already splits " + source + " this way");
            run.audit("split.unchanged", dataset, Map.of("split_table", last.get().table().toString()));
            return new SplitResult(last.get(), true);
        }
        WriteOptions options = WriteOptions.forRun(run.id().value()).withPartitionBy(SplitAssigner.SPLIT)
                .withTransaction("keel.split." + dataset, current.map(v -> v.version() + 1).orElse(0L));
        Optional<Increment> increment = last.filter(m -> m.spec().equals(spec) && current.equals(Optional.of(m.table())))
                .flatMap(m -> increment(m, source, spec, primaryKey, rows));
        Outcome outcome = increment.isPresent() ? appendIncrement(increment.get(), source, rows, spec, options)
                : writeWhole(dataset, source, rows, spec, earlier, last, options);

        List<String> problems = new ArrayList<>(outcome.statistics().leaks());
        long sourceRows = rows.count();
        if (outcome.statistics().total() != sourceRows) {
            problems.add(outcome.written() + " holds " + outcome.statistics().total() + " row(s) but " + source + " has " + sourceRows);
        }
        if (!problems.isEmpty()) {
            throw new IntegrityException("Split of " + source + " is not usable, no manifest recorded for " + outcome.written() + ": "
                    + String.join("; ", problems));
        }
        SplitManifest manifest = new SplitManifest(dataset, source, outcome.written(), spec, outcome.statistics(),
                last.map(m -> m.table().version()), outcome.moved(), run.id().value(), run.env().clock().instant());
        manifests.record(manifest);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", source.toString());
        details.put("split_table", outcome.written().toString());
        details.put("fractions", spec.fractions().toString());
        details.put("seed", spec.seed());
        details.put("rows", outcome.statistics().rows());
        details.put("keys_moved", outcome.moved().orElse(null));
        details.put("incremental", increment.isPresent());
        run.audit("split.materialised", dataset, details);
        return new SplitResult(manifest, false);
    }

    /** What a write produced: the version, its statistics, and the keys of the previous split that moved. */
    private record Outcome(TableVersion written, SplitStatistics statistics, Optional<Long> moved) {
    }

    /**
     * The rows a dataset gained since the split {@code base} cut, when nothing else changed: every
     * commit since its source version is a keel ingest's append (recorded COMMITTED in
     * {@code _keel/dataset_versions}), and the split's key is the primary key those ingests kept
     * unique across the table, so every new row is a new unit and no earlier row moves.
     *
     * @param runs the appending runs, whose rows carry their id in {@value IngestJob#RUN_ID}
     * @param rows how many rows they committed
     */
    private record Increment(SplitManifest base, List<String> runs, long rows) {
    }

    private Optional<Increment> increment(SplitManifest base, TableVersion source, SplitSpec spec, Optional<List<String>> primaryKey,
            Dataset<Row> sourceRows) {
        if (spec.group().isPresent() || !primaryKey.equals(Optional.of(spec.keys())) || !base.source().table().equals(source.table())
                || base.source().version() >= source.version() || !List.of(sourceRows.columns()).contains(IngestJob.RUN_ID)) {
            return Optional.empty();
        }
        Map<Long, DatasetVersion> committed = new LinkedHashMap<>();
        new DatasetVersions(store, layout).of(base.dataset()).stream().filter(v -> v.status() == DatasetVersion.Status.COMMITTED)
                .forEach(v -> v.version().ifPresent(n -> committed.put(n, v)));
        List<String> runs = new ArrayList<>();
        long rows = 0;
        for (long v = base.source().version() + 1; v <= source.version(); v++) {
            DatasetVersion ingest = committed.get(v);
            Optional<Commit> commit = store.commit(new TableVersion(source.table(), v));
            if (ingest == null || ingest.mode() != IngestMode.APPEND || commit.isEmpty() || !commit.get().operation().equals("WRITE")
                    || !"Append".equals(commit.get().parameters().get("mode"))
                    || !commit.get().userMetadata().equals(Optional.of(ingest.runId()))) {
                return Optional.empty();
            }
            runs.add(ingest.runId());
            rows += ingest.rowsClean();
        }
        return Optional.of(new Increment(base, runs, rows));
    }

    /** Appends the new rows' assignments to the split table; the statistics are the base's plus theirs. */
    private Outcome appendIncrement(Increment increment, TableVersion source, Dataset<Row> rows, SplitSpec spec, WriteOptions options) {
        SplitManifest base = increment.base();
        Column fresh = col(IngestJob.RUN_ID).isin(increment.runs().toArray());
        TableVersion written;
        try (RunContext.Step step = run.step("splitting the " + increment.rows() + " row(s) " + source + " added since "
                + base.source() + " onto " + base.table() + " " + spec.fractions() + " by " + String.join(",", spec.unit())
                + spec.stratify().map(s -> ", stratified by " + s).orElse(""))) {
            Dataset<Row> assigned = new SplitAssigner(spec).assignNew(rows.filter(fresh), base.statistics().labels());
            written = written(store.append(layout.splits(base.dataset()), assigned, options));
        }
        SplitStatistics added;
        try (RunContext.Step step = run.step("counting rows and content hashes of the rows " + written + " added")) {
            added = SplitStatistics.ofAssigned(store.read(written).filter(fresh), spec);
        }
        if (added.total() != increment.rows()) {
            throw new IntegrityException("Split of " + source + " appended " + added.total() + " row(s) to " + written + " but the "
                    + "dataset gained " + increment.rows() + " since " + base.source() + "; no manifest recorded for " + written
                    + ": run keel split again, which then rewrites the whole split");
        }
        return new Outcome(written, base.statistics().plus(added), Optional.of(0L));
    }

    /** Writes the whole dataset's assignments as a new version of the split table. */
    private Outcome writeWhole(String dataset, TableVersion source, Dataset<Row> rows, SplitSpec spec, List<SplitManifest> earlier,
            Optional<SplitManifest> last, WriteOptions options) {
        Optional<Dataset<Row>> placed = earlier.stream().filter(m -> m.spec().equals(spec))
                .max(Comparator.comparing((SplitManifest m) -> m.table().version()))
                .map(m -> store.read(m.table()));
        TableVersion written;
        try (RunContext.Step step = run.step("splitting " + source + " " + spec.fractions() + " by " + String.join(",", spec.unit())
                + spec.stratify().map(s -> ", stratified by " + s).orElse(""))) {
            Dataset<Row> assigned = new SplitAssigner(spec).assign(rows, spec.stratify().isPresent() ? placed : Optional.empty());
            written = written(store.overwrite(layout.splits(dataset), assigned, options.withReplacedSchema()));
        }
        try (RunContext.Step step = run.step("counting rows and content hashes of " + written
                + (spec.group().isPresent() ? ", checking for leaks" : "") + last.map(m -> ", comparing with " + m.table()).orElse(""))) {
            return new Outcome(written, SplitStatistics.ofAssigned(store.read(written), spec),
                    last.flatMap(m -> keysMoved(m.table(), written, spec.keys())));
        }
    }

    private static TableVersion written(WriteResult result) {
        if (!result.written()) {
            throw new ConflictRetry.LostRace("Another split of " + result.version().table() + " committed first");
        }
        return result.version();
    }

    /**
     * The primary key of the contract that ingested {@code source} (when that contract file is
     * unchanged), which ingest keeps unique across the table.
     */
    private Optional<List<String>> primaryKey(String dataset, TableVersion source) {
        Optional<DatasetVersion> ingested = new DatasetVersions(store, layout).of(dataset).stream()
                .filter(v -> v.status() == DatasetVersion.Status.COMMITTED && v.version().orElse(-1L) <= source.version())
                .reduce((a, b) -> b);
        return ingested.flatMap(v -> {
            Path file = Path.of(v.contractFile());
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Contract contract = ContractParser.parse(file);
            return contract.sha256().equals(v.contractSha256()) && !contract.primaryKey().isEmpty()
                    ? Optional.of(contract.primaryKey()) : Optional.empty();
        });
    }

    private static void checkColumns(String dataset, Dataset<Row> rows, SplitSpec spec) {
        List<String> columns = List.of(rows.columns());
        if (columns.contains(SplitAssigner.SPLIT)) {
            throw new UsageException("Dataset '" + dataset + "' already has a column named '" + SplitAssigner.SPLIT
                    + "': rename it in the contract, keel split adds that column");
        }
        Map<String, List<String>> named = new LinkedHashMap<>();
        named.put("--key", spec.keys());
        named.put("--group", spec.group().map(List::of).orElse(List.of()));
        named.put("--stratify", spec.stratify().map(List::of).orElse(List.of()));
        named.forEach((option, names) -> names.stream().filter(n -> !columns.contains(n)).findFirst().ifPresent(n -> {
            throw new UsageException("Dataset '" + dataset + "' has no column '" + n + "' (" + option + "): its columns are "
                    + String.join(", ", columns));
        }));
    }

    /** Keys of {@code previous} placed in another split by {@code current}; empty when the key columns differ. */
    private Optional<Long> keysMoved(TableVersion previous, TableVersion current, List<String> keys) {
        Dataset<Row> before = store.read(previous);
        if (!List.of(before.columns()).containsAll(keys)) {
            return Optional.empty();
        }
        String[] identity = {SplitAssigner.UNIT_A, SplitAssigner.UNIT_B};
        Dataset<Row> was = SplitAssigner.identified(before, keys).select(col(SplitAssigner.UNIT_A), col(SplitAssigner.UNIT_B),
                col(SplitAssigner.SPLIT).as("__before_split")).distinct();
        Dataset<Row> now = SplitAssigner.identified(store.read(current), keys).select(col(SplitAssigner.UNIT_A),
                col(SplitAssigner.UNIT_B), col(SplitAssigner.SPLIT)).distinct();
        return Optional.of(now.join(was, identity, "inner").filter(col(SplitAssigner.SPLIT).notEqual(col("__before_split")))
                .select(identity[0], identity[1]).distinct().count());
    }
}
