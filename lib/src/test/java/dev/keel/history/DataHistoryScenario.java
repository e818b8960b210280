package dev.keel.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.ingest.DatasetVersion;
import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.ingest.IngestResult;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.quality.ContractParser;
import dev.keel.testing.TestRuns;
import io.delta.tables.DeltaTable;

/**
 * history, show (version and as-of), diff, drift, restore and vacuum on one lake root, local or
 * s3a: three ingests (append, append, overwrite) give versions 0..2 to work on.
 */
final class DataHistoryScenario {
    static final String CONTRACT = """
            dataset: meters
            format: csv
            columns:
              - { name: id, type: string, nullable: false }
              - { name: site, type: string }
              - { name: kwh, type: double }
            primary_key: [id]
            """;

    private final SparkSession spark;
    private final String root;
    private final TestRuns runs;
    private final DeltaStore store;
    private final String table;

    DataHistoryScenario(SparkSession spark, String root) {
        this.spark = spark;
        this.root = root;
        this.runs = new TestRuns(spark, root, Map.of("data.retention.files", "0 hours", "data.drift.threshold", "0.2"));
        this.store = new DeltaStore(spark);
        this.table = root + "/datasets/meters";
    }

    private void write(String name, String content) throws IOException {
        Path path = new Path(root + "/raw/meters/" + name);
        FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (OutputStream out = fs.create(path, true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private IngestResult ingest(IngestMode mode, String source) {
        return runs.run("ingest", run -> new IngestJob(run).ingest(
                new IngestRequest(ContractParser.parse("meters.yaml", CONTRACT), List.of(source), mode)));
    }

    void run() throws IOException {
        String raw = root + "/raw/meters";
        write("a.csv", "id,site,kwh\nm1,north,1.0\nm2,north,1.5\nm3,south,2.0\n");
        ingest(IngestMode.APPEND, raw);
        write("b.csv", "id,site,kwh\nm4,south,2.5\nm5,east,3.0\n");
        ingest(IngestMode.APPEND, raw);
        write("c.csv", "id,site,kwh\nm1,west,40.0\nm2,west,45.0\nm3,west,50.0\n");
        ingest(IngestMode.OVERWRITE, raw + "/c.csv");

        DataHistory history = new DataHistory(store, runs.env().layout());
        List<HistoryEntry> entries = history.history("meters");
        assertEquals(List.of(2L, 1L, 0L), entries.stream().map(HistoryEntry::version).toList());
        assertEquals(List.of(3L, 2L, 3L), entries.stream().map(e -> e.ingest().orElseThrow().rowsClean()).toList());
        assertEquals(IngestMode.OVERWRITE, entries.get(0).ingest().orElseThrow().mode());

        assertEquals(new TableVersion(table, 2), history.resolve("meters", Optional.empty(), Optional.empty()));
        assertEquals(new TableVersion(table, 0), history.resolve("meters", Optional.empty(), Optional.of(entries.get(2).timestamp())));
        assertEquals(5, history.rows(history.resolve("meters", Optional.of(1L), Optional.empty())).count());
        UsageException early = assertThrows(UsageException.class, () -> history.resolve("meters", Optional.empty(),
                Optional.of(entries.get(2).timestamp().minusSeconds(3600))));
        assertTrue(early.getMessage().startsWith("Dataset 'meters' did not exist at "), early.getMessage());
        UsageException missing = assertThrows(UsageException.class, () -> history.resolve("meters", Optional.of(7L), Optional.empty()));
        assertEquals("Dataset 'meters' has no version 7: versions are 0..2; 'keel data history meters' lists them", missing.getMessage());

        DatasetDiff diff = history.diff("meters", 0, 1);
        assertEquals(3, diff.rowsFrom());
        assertEquals(5, diff.rowsTo());
        assertEquals(Optional.of(2L), diff.rowsOnlyInTo());
        assertEquals(Optional.of(0L), diff.rowsOnlyInFrom());
        assertTrue(diff.schemaChanges().isEmpty());
        DatasetDiff.MetricChange kwh = diff.columns().stream().filter(c -> c.column().equals("kwh")).findFirst().orElseThrow();
        assertEquals(2.0 - 1.5, kwh.meanDelta().orElseThrow(), 1e-9);
        assertEquals(Optional.of("3.0"), kwh.to().max());
        assertEquals(Optional.of(3L), history.diff("meters", 1, 2).rowsOnlyInTo());

        DriftReport drift = runs.run("data-drift", run -> new DriftAnalysis(run).drift("meters", 1, 2, 0.2));
        assertEquals(List.of("site", "kwh", "id"), drift.columns().stream().map(ColumnDrift::column).toList(),
                "most drifted first: every site is new, every kwh above the old range");
        ColumnDrift kwhDrift = drift.columns().get(1);
        assertEquals("numeric", kwhDrift.kind());
        assertEquals(7, kwhDrift.bins(), "null, below the first decile, four between deciles, from the last up");
        double moved = 4 * (1e-4 - 0.2) * Math.log(1e-4 / 0.2) + (1 - 0.2) * Math.log(1 / 0.2);
        assertEquals(moved, kwhDrift.psi(), 1e-9);
        assertEquals(List.of("site", "kwh", "id"), drift.drifted().stream().map(ColumnDrift::column).toList());
        DriftReport none = runs.run("data-drift", run -> new DriftAnalysis(run).drift("meters", 2, 2, 0.2));
        assertTrue(none.drifted().isEmpty());
        assertEquals(0.0, none.columns().get(0).psi(), 1e-12);
        assertEquals(6, store.read(root + "/_keel/data_drift").count(), "both reports are stored, one row per column");

        TableVersion restored = runs.run("data-restore", run -> new DataMaintenance(run).restore("meters", 1));
        assertEquals(new TableVersion(table, 3), restored);
        assertEquals(5, store.read(restored).count());
        DatasetVersion recorded = history.versions().committed("meters", 3).orElseThrow();
        assertEquals(IngestMode.RESTORE, recorded.mode());
        assertEquals(2, recorded.sourceFiles().size(), "the restored version holds the rows of a.csv and b.csv");
        assertEquals(1, store.read(root + "/_keel/audit").filter("action = 'dataset.restored' AND subject = 'meters'").count());
        IngestResult afterRestore = ingest(IngestMode.APPEND, raw);
        assertEquals(1, afterRestore.filesRead(), "after the restore only c.csv is new to the table");
        assertEquals(3, afterRestore.rowsDuplicate(), "c.csv's keys are all in the restored table");

        pin(2);
        IntegrityException refused = assertThrows(IntegrityException.class,
                () -> runs.run("data-vacuum", run -> new DataMaintenance(run).vacuum("meters", false)));
        assertTrue(refused.getMessage().startsWith("Refusing to vacuum meters: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("belong to version(s) [2] pinned by split manifests or models; nothing was deleted"),
                refused.getMessage());
        assertEquals(3, store.read(new TableVersion(table, 2)).count(), "the pinned version is still readable");
        assertEquals(0, store.read(root + "/_keel/audit").filter("action = 'dataset.vacuumed'").count());

        VacuumResult forced = runs.run("data-vacuum", run -> new DataMaintenance(run).vacuum("meters", true));
        assertTrue(forced.filesDeleted() > 0);
        assertTrue(forced.pinnedFilesDeleted() > 0);
        Row detail = DeltaTable.forPath(spark, table).detail().first();
        assertEquals("interval 0 hours", detail.<String, String>getJavaMap(detail.fieldIndex("properties"))
                .get("delta.deletedFileRetentionDuration"), "the configured retention was set on the table");
        assertEquals(List.of(new TableVersion(table, 2)), forced.pins());
        assertEquals(1, store.read(root + "/_keel/audit").filter("action = 'dataset.vacuumed' AND details LIKE '%\"forced\":true%'")
                .count());
        assertEquals(5, store.read(table).count(), "the latest version is untouched");
        assertThrows(Exception.class, () -> store.read(new TableVersion(table, 2)).collectAsList(), "the forced vacuum broke v2's time travel");
        assertFalse(runs.run("data-vacuum", run -> new DataMaintenance(run).vacuum("meters", false)).propertiesAligned());
    }

    /** A split manifest row pinning {@code version} of the table, in the column convention VersionPins reads. */
    private void pin(long version) {
        StructType schema = new StructType().add("dataset", DataTypes.StringType).add("source_table", DataTypes.StringType)
                .add("source_version", DataTypes.LongType);
        store.append(root + "/_keel/split_manifests", spark.createDataFrame(List.of(RowFactory.create("meters", table, version)),
                schema), WriteOptions.forRun("test-pin"));
        assertEquals(List.of(new TableVersion(table, version)), new VersionPins(store, runs.env().layout()).of(table));
        assertTrue(runs.env().layout().keel(KeelTable.SPLIT_MANIFESTS).endsWith("_keel/split_manifests"));
    }
}
