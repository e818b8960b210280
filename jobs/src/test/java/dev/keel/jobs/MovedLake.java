package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.TableVersion;

/**
 * A lake moved as users move them: recorded the way keel recorded references before they were
 * relative (absolute locations of the original), copied file by file to another directory or to
 * s3a://, the original put out of reach, and then every guarantee checked in the copy: the audit
 * chain, every split version against its manifest, a model's lineage, its reproduction, and the
 * vacuum guard of the versions that splits and models pin.
 */
final class MovedLake {
    private MovedLake() {
    }

    /**
     * Rewrites the table locations recorded in split manifests, models, dataset versions and runs
     * as absolute locations under {@code root}, as keel recorded them before 0.2.
     */
    static void recordAbsolute(SparkSession spark, String root) {
        String prefix = root + "/";
        update(spark, root + "/_keel/split_manifests", "source_table = concat('" + prefix + "', source_table), "
                + "split_table = concat('" + prefix + "', split_table)", "split_table");
        update(spark, root + "/_keel/models", "artifact_uri = concat('" + prefix + "', artifact_uri), "
                + "train_table = concat('" + prefix + "', train_table), val_table = concat('" + prefix + "', val_table), "
                + "test_table = concat('" + prefix + "', test_table)", "train_table");
        update(spark, root + "/_keel/dataset_versions", "table_path = concat('" + prefix + "', table_path)", "table_path");
        spark.sql("UPDATE delta.`" + root + "/_keel/runs` SET inputs = transform(inputs, t -> named_struct('table', "
                + "concat('" + prefix + "', t.table), 'version', t.version)), outputs = transform(outputs, t -> named_struct('table', "
                + "concat('" + prefix + "', t.table), 'version', t.version))");
        assertEquals(0, spark.read().format("delta").load(root + "/_keel/split_manifests").filter("split_table NOT LIKE '/%' "
                + "AND split_table NOT LIKE '%:%'").count(), "every manifest now names its tables absolutely");
    }

    private static void update(SparkSession spark, String table, String set, String probe) {
        spark.sql("UPDATE delta.`" + table + "` SET " + set + " WHERE " + probe + " NOT LIKE '/%' AND " + probe + " NOT LIKE '%:%'");
    }

    /** Copies every file of the lake at {@code from} to {@code to} (a directory or an s3a:// prefix). */
    static void copy(Configuration conf, String from, String to) throws IOException {
        Path source = new Path(from);
        Path target = new Path(to);
        FileSystem in = source.getFileSystem(conf);
        FileSystem out = target.getFileSystem(conf);
        assertTrue(FileUtil.copy(in, source, out, target, false, true, conf), "copied " + from + " to " + to);
    }

    /**
     * The checks, with {@code keel} pointed at the copy at {@code root} and the original at
     * {@code original} out of reach.
     *
     * @param dataset a dataset whose newest version has been split and trained on
     * @param model a version of a model trained on one of its splits, cheap to retrain
     */
    static void check(SparkSession spark, CliHarness keel, String root, String original, String dataset, String model) {
        assertFalse(exists(spark, original), "the original is out of reach, so nothing can read it by mistake");
        CliHarness.Result audit = keel.run("audit", "verify");
        assertEquals(0, audit.exit(), audit::toString);

        DeltaStore store = new DeltaStore(spark);
        LakeLayout layout = new LakeLayout(root);
        long splits = store.latest(layout.splits(dataset)).orElseThrow().version();
        for (long v = 0; v <= splits; v++) {
            CliHarness.Result verified = keel.run("split", "verify", dataset, "--version", Long.toString(v));
            assertEquals(0, verified.exit(), verified::toString);
        }

        CliHarness.Result described = keel.run("models", "describe", model);
        assertEquals(0, described.exit(), described::toString);
        assertTrue(described.out().contains(layout.splits(dataset)), "the lineage names the copy's split table: " + described.out());
        assertFalse(described.out().contains(original + "/"), "and nothing of the original: " + described.out());

        CliHarness.Result reproduced = keel.run("reproduce", model);
        assertEquals(0, reproduced.exit(), reproduced::toString);
        assertTrue(reproduced.out().contains("REPRODUCED"), reproduced.out());

        CliHarness.Result restored = keel.run("data", "restore", dataset, "--version", "0");
        assertEquals(0, restored.exit(), restored::toString);
        String table = layout.dataset(dataset);
        long before = store.history(table, Integer.MAX_VALUE).size();
        CliHarness.Result vacuum = keel.env("KEEL_DATA_RETENTION_FILES", "0 hours").run("data", "vacuum", dataset);
        keel.env("KEEL_DATA_RETENTION_FILES", "7 days");
        assertEquals(3, vacuum.exit(), "the versions splits and models pin survive a vacuum in the copy: " + vacuum);
        assertTrue(vacuum.err().contains("Refusing to vacuum " + dataset) && vacuum.err().contains("pinned by split manifests or models"),
                vacuum::toString);
        assertEquals(before, store.history(table, Integer.MAX_VALUE).size(), "a refused vacuum commits nothing, not even its retention");
        for (long v = 0; v <= store.latest(table).orElseThrow().version(); v++) {
            assertTrue(store.read(new TableVersion(table, v)).count() > 0, "version " + v + " still reads");
        }
    }

    private static boolean exists(SparkSession spark, String location) {
        try {
            Path p = new Path(location);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
