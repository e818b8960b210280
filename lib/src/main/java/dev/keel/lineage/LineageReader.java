package dev.keel.lineage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import dev.keel.error.UsageException;
import dev.keel.lake.KernelTables;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.LakeRow;
import dev.keel.lineage.Lineage.DatasetVersionSummary;
import dev.keel.lineage.Lineage.RunSummary;
import dev.keel.lineage.Lineage.SplitManifestSummary;
import dev.keel.registry.ModelEntry;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.split.SplitRef;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;
import dev.keel.train.TrainJob;

/** Reads a model version's {@link Lineage} from keel's tables without Spark (Delta Kernel). */
public final class LineageReader {
    private final KernelTables kernel;
    private final LakeLayout layout;
    private final Configuration hadoop;

    public LineageReader(KernelTables kernel, LakeLayout layout, Configuration hadoop) {
        this.kernel = requireNonNull(kernel, "kernel");
        this.layout = requireNonNull(layout, "layout");
        this.hadoop = requireNonNull(hadoop, "hadoop");
    }

    public Lineage read(ModelEntry entry) {
        ModelVersion v = entry.model();
        String specText = specText(v);
        ModelSpec spec = ModelSpecParser.parse(v.artifact() + "/" + TrainJob.SPEC_FILE, specText);
        Map<String, String> types = kernel.columnTypes(v.train().table());
        Map<String, String> features = new LinkedHashMap<>();
        spec.features().forEach(f -> features.put(f, types.getOrDefault(f, "?")));
        Map<String, SplitRef> splits = new LinkedHashMap<>();
        splits.put("train", v.train());
        splits.put("validation", v.validation());
        splits.put("test", v.test());
        Optional<SplitManifestSummary> manifest = manifest(v.train());
        List<DatasetVersionSummary> datasets = manifest.map(m -> datasets(m.sourceTable(), m.sourceVersion())).orElse(List.of());
        return new Lineage(entry, features, Map.of(spec.label(), types.getOrDefault(spec.label(), "?")), splits, manifest, datasets,
                run(v.runId()), specText);
    }

    /** The spec text kept in {@code v}'s model directory: what it was trained from. */
    public String specText(ModelVersion v) {
        Path file = new Path(v.artifact(), TrainJob.SPEC_FILE);
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            try (InputStream in = fs.open(file)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UsageException("Cannot read the spec of " + ModelRef.of(v) + " at " + file + " ("
                    + e.getClass().getSimpleName() + "): the model directory is incomplete; restore it or retrain");
        }
    }

    private Optional<SplitManifestSummary> manifest(SplitRef split) {
        List<SplitManifestSummary> found = new ArrayList<>();
        kernel.scan(layout.keel(KeelTable.SPLIT_MANIFESTS), List.of("split_table", "split_version", "source_table", "source_version",
                "seed", "key_columns", "stratify_column", "group_column", "run_id", "recorded_at"), Optional.empty(), r -> {
                    if (layout.same(r.getString("split_table"), split.table()) && r.getLong("split_version") == split.version()) {
                        found.add(new SplitManifestSummary(layout.locate(r.getString("source_table")), r.getLong("source_version"), r.getLong("seed"),
                                r.getStringList("key_columns"), Optional.ofNullable(r.getString("stratify_column")),
                                Optional.ofNullable(r.getString("group_column")), r.getString("run_id"), r.getInstant("recorded_at")));
                    }
                });
        return found.stream().findFirst();
    }

    private List<DatasetVersionSummary> datasets(String table, long upTo) {
        List<DatasetVersionSummary> found = new ArrayList<>();
        kernel.scan(layout.keel(KeelTable.DATASET_VERSIONS), List.of("table_path", "version", "status", "mode", "rows_read",
                "rows_clean", "rows_quarantined", "rows_duplicate", "contract_file", "contract_sha256", "column_metrics", "checks",
                "source_files", "run_id", "recorded_at"), Optional.empty(), r -> {
                    if (layout.same(r.getString("table_path"), table) && r.getString("status").equals("COMMITTED") && !r.isNull("version")
                            && r.getLong("version") <= upTo) {
                        found.add(dataset(r));
                    }
                });
        found.sort(Comparator.comparingLong(DatasetVersionSummary::version));
        return found;
    }

    private static DatasetVersionSummary dataset(LakeRow r) {
        return new DatasetVersionSummary(r.getLong("version"), r.getString("mode"), r.getLong("rows_read"), r.getLong("rows_clean"),
                r.getLong("rows_quarantined"), r.getLong("rows_duplicate"), r.getString("contract_file"), r.getString("contract_sha256"),
                r.getStructList("column_metrics"), r.getStructList("checks"), r.getStructList("source_files"), r.getString("run_id"),
                r.getInstant("recorded_at"));
    }

    private Optional<RunSummary> run(String runId) {
        List<RunSummary> found = new ArrayList<>();
        kernel.scan(layout.keel(KeelTable.RUNS), List.of("run_id", "actor", "host", "keel_version", "git_commit", "code_sha256",
                "config_hash", "command", "started_at", "ended_at", "slurm_job_id", "status"), Optional.empty(), r -> {
                    if (r.getString("run_id").equals(runId)) {
                        found.add(new RunSummary(runId, r.getString("actor"), r.getString("host"), r.getString("keel_version"),
                                r.getString("git_commit"), r.getString("code_sha256"), r.getString("config_hash"),
                                r.getStringList("command"), r.getInstant("started_at"), Optional.ofNullable(r.getInstant("ended_at")),
                                Optional.ofNullable(r.getString("slurm_job_id"))));
                    }
                });
        return found.stream().max(Comparator.comparing(s -> s.endedAt().isPresent()));
    }
}
