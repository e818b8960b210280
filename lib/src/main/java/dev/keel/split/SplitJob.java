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

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.ingest.DatasetVersion;
import dev.keel.ingest.DatasetVersions;
import dev.keel.lake.ConflictRetry;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.quality.Contract;
import dev.keel.quality.ContractParser;
import dev.keel.run.RunContext;

/**
 * Materialises a split of one dataset version as one new version of {@code splits/<dataset>}:
 * the dataset's rows plus a {@code split} column, partitioned by split, overwriting the previous
 * split (which time travel keeps). Rows per split and label, content hashes and leaks are
 * computed from the written version, and the manifest is recorded in
 * {@code _keel/split_manifests} only when that version is whole: every source row present once
 * and no key or group in two splits. A version without a manifest cannot
 * be read through a {@link SplitRef}; {@code keel split verify} recomputes everything from Delta.
 *
 * <p>Idempotent: when the table's current version is a split of the same dataset version with
 * the same spec, nothing is written. Stable: a key keeps its split when the dataset grows; the
 * manifest counts the keys of the previous split that moved.
 *
 * <p>Assignment is a projection without stratification and two shuffles and a join with it
 * ({@code spark.sql.shuffle.partitions}); the statistics are one aggregation of the written
 * version by split and label, and for grouped splits one shuffle each of keys and groups to
 * count leaks.
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
        SplitSpec spec = new SplitSpec(request.fractions(), request.seed(), keys(request, source, rows), request.group(),
                request.stratify());
        checkColumns(dataset, rows, spec);
        run.addInput(source);

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

        Optional<Dataset<Row>> placed = earlier.stream().filter(m -> m.spec().equals(spec))
                .max(Comparator.comparing((SplitManifest m) -> m.table().version()))
                .map(m -> store.read(m.table()));
        TableVersion written;
        try (RunContext.Step step = run.step("splitting " + source + " " + spec.fractions() + " by " + String.join(",", spec.unit())
                + spec.stratify().map(s -> ", stratified by " + s).orElse(""))) {
            Dataset<Row> assigned = new SplitAssigner(spec).assign(rows, spec.stratify().isPresent() ? placed : Optional.empty());
            written = ConflictRetry.standard().run("write " + splitTable + " while another split of " + dataset + " commits",
                    () -> store.overwrite(splitTable, assigned, WriteOptions.forRun(run.id().value())
                            .withPartitionBy(SplitAssigner.SPLIT).withReplacedSchema()).version());
        }
        run.addOutput(written);

        SplitStatistics statistics;
        long sourceRows;
        Optional<Long> moved;
        try (RunContext.Step step = run.step("counting rows and content hashes of " + written
                + (spec.group().isPresent() ? ", checking for leaks" : "") + last.map(m -> ", comparing with " + m.table()).orElse(""))) {
            statistics = SplitStatistics.ofAssigned(store.read(written), spec);
            sourceRows = rows.count();
            moved = last.flatMap(m -> keysMoved(m.table(), written, spec.keys()));
        }
        List<String> problems = new ArrayList<>(statistics.leaks());
        if (statistics.total() != sourceRows) {
            problems.add(written + " holds " + statistics.total() + " row(s) but " + source + " has " + sourceRows);
        }
        if (!problems.isEmpty()) {
            throw new IntegrityException("Split of " + source + " is not usable, no manifest recorded for " + written + ": "
                    + String.join("; ", problems));
        }
        SplitManifest manifest = new SplitManifest(dataset, source, written, spec, statistics, last.map(m -> m.table().version()),
                moved, run.id().value(), run.env().clock().instant());
        manifests.record(manifest);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", source.toString());
        details.put("split_table", written.toString());
        details.put("fractions", spec.fractions().toString());
        details.put("seed", spec.seed());
        details.put("rows", statistics.rows());
        details.put("keys_moved", moved.orElse(null));
        run.audit("split.materialised", dataset, details);
        return new SplitResult(manifest, false);
    }

    /**
     * The requested keys, else the primary key of the contract that ingested the version (when
     * that contract file is unchanged), else every column not starting with {@code _}.
     */
    private List<String> keys(SplitRequest request, TableVersion source, Dataset<Row> rows) {
        if (!request.keys().isEmpty()) {
            return request.keys();
        }
        Optional<DatasetVersion> ingested = new DatasetVersions(store, layout)
                .of(request.dataset()).stream()
                .filter(v -> v.status() == DatasetVersion.Status.COMMITTED && v.version().orElse(-1L) <= source.version())
                .reduce((a, b) -> b);
        Optional<List<String>> primaryKey = ingested.flatMap(v -> {
            Path file = Path.of(v.contractFile());
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Contract contract = ContractParser.parse(file);
            return contract.sha256().equals(v.contractSha256()) && !contract.primaryKey().isEmpty()
                    ? Optional.of(contract.primaryKey()) : Optional.empty();
        });
        return primaryKey.orElseGet(() -> Arrays.stream(rows.columns()).filter(c -> !c.startsWith("_")).toList());
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
