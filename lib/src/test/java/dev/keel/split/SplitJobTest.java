package dev.keel.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.testing.ChildJvm;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;
import io.delta.tables.DeltaTable;

/** Split determinism, exact stratification, group integrity, stability, verification and bad input. */
@ExtendWith(SharedSpark.class)
class SplitJobTest {
    @Test
    void theSameRowsLandInTheSameSplitWhateverThePartitioningOrExecutorCount(SparkSession spark, @TempDir Path dir)
            throws IOException, InterruptedException {
        Path child = dir.resolve("child");
        Process process = ChildJvm.start(SplitInChildJvm.class, dir.resolve("child.log"), List.of("-Xmx1g"), child.toString());

        TestRuns two = new TestRuns(spark, dir.resolve("two"));
        SplitScenarios.write(two, SplitScenarios.visits(spark, 0, 2000), false);
        List<SplitManifest> inOrder = SplitScenarios.splitAll(two);
        TestRuns seven = new TestRuns(spark, dir.resolve("seven"));
        SplitScenarios.write(seven, SplitScenarios.shuffled(SplitScenarios.visits(spark, 0, 2000), 7), false);
        List<SplitManifest> shuffled = SplitScenarios.splitAll(seven);

        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "child JVM finished");
        assertEquals(0, process.exitValue(), () -> read(dir.resolve("child.log")));
        List<SplitManifest> local1 = new SplitReader(two.env().store(), new dev.keel.lake.LakeLayout(child.toString()))
                .manifests(SplitScenarios.DATASET);
        assertEquals(3, local1.size(), () -> read(dir.resolve("child.log")));
        for (int i = 0; i < 3; i++) {
            SplitStatistics expected = inOrder.get(i).statistics();
            assertEquals(expected.rowHashes(), shuffled.get(i).statistics().rowHashes(), "spec " + i + ", 7 shuffled partitions");
            assertEquals(expected.rowHashes(), local1.get(i).statistics().rowHashes(), "spec " + i + ", local[1] in another JVM");
            assertEquals(expected.keyHashes(), local1.get(i).statistics().keyHashes());
            assertEquals(expected.rows(), local1.get(i).statistics().rows());
            assertEquals(2000, expected.total());
            assertEquals(0, expected.keyOverlap());
        }
        Map<String, Long> plain = inOrder.get(0).statistics().rows();
        assertEquals(List.of("train", "val", "test"), List.copyOf(plain.keySet()));
        assertTrue(Math.abs(plain.get("train") - 1600) < 90 && Math.abs(plain.get("test") - 200) < 60, plain::toString);
    }

    @Test
    void stratifiedSplitsHoldEachLabelsShareExactlyAndGroupsStayWhole(SparkSession spark, @TempDir Path dir) {
        TestRuns runs = new TestRuns(spark, dir);
        SplitScenarios.write(runs, SplitScenarios.visits(spark, 0, 2000), false);
        SplitManifest stratified = runs.run("split", r -> new SplitJob(r).split(SplitScenarios.REQUESTS.get(1))).manifest();

        Map<String, Long> perLabel = new HashMap<>();
        SplitScenarios.visits(spark, 0, 2000).groupBy("label").count().collectAsList()
                .forEach(r -> perLabel.put(r.getString(0), r.getLong(1)));
        assertEquals(10, perLabel.size());
        for (Map.Entry<String, Long> label : perLabel.entrySet()) {
            long n = label.getValue();
            long train = half(0.8, n);
            long val = half(0.9, n) - train;
            long test = n - half(0.9, n);
            Map<String, Map<String, Long>> counts = stratified.statistics().labels();
            assertEquals(train, counts.get("train").get(label.getKey()), "train rows of label " + label.getKey() + " of " + n);
            assertEquals(val, counts.get("val").getOrDefault(label.getKey(), 0L), "val rows of label " + label.getKey());
            assertEquals(test, counts.get("test").getOrDefault(label.getKey(), 0L), "test rows of label " + label.getKey());
        }
        Dataset<Row> table = spark.read().format("delta").load(stratified.table().table());
        assertEquals(perLabel.get("3"), table.filter(col("label").equalTo("3")).count());

        SplitManifest grouped = runs.run("split", r -> new SplitJob(r).split(SplitScenarios.REQUESTS.get(2))).manifest();
        Dataset<Row> groupedRows = spark.read().format("delta").option("versionAsOf", grouped.table().version())
                .load(grouped.table().table());
        long users = groupedRows.select("user").distinct().count();
        assertTrue(users < 1000, "users span several rows: " + users);
        assertEquals(users, groupedRows.select("user", "split").distinct().count(), "every user's rows share one split");
        assertEquals(Optional.of(0L), grouped.statistics().groupOverlap());
        long trainUsers = groupedRows.filter(col("split").equalTo("train")).select("user").distinct().count();
        assertTrue(Math.abs(trainUsers - 0.8 * users) <= 10, trainUsers + " of " + users + " users in train");
    }

    /**
     * The Wisconsin breast-cancer layout: 569 rows of 30 doubles and a binary label, no id, so
     * every column is part of the key. Stratifying it used to run for tens of minutes in the
     * optimiser (constraint inference over a 31-column join); the timeout guards against that.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aStratifiedSplitOfWideAllNumericRowsWithoutAnIdFinishesAndHoldsExactShares(SparkSession spark, @TempDir Path dir) {
        TestRuns runs = new TestRuns(spark, dir);
        List<String> measures = new ArrayList<>();
        for (String kind : List.of("mean", "error", "worst")) {
            for (String feature : List.of("radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
                    "concave_points", "symmetry", "fractal_dimension")) {
                measures.add(kind + "_" + feature);
            }
        }
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < measures.size(); i++) {
            columns.add(expr("round(abs(sin(id * " + (i + 1) + ".7)) * " + (10 + i) + ", 4)").as(measures.get(i)));
        }
        columns.add(expr("CAST(id % 8 < 3 AS INT)").as("target"));
        Dataset<Row> cancer = spark.range(569).select(columns.toArray(Column[]::new));
        runs.env().store().overwrite(runs.env().layout().dataset("cancer"), cancer, WriteOptions.forRun("20261207-000000-00000000"));

        SplitRequest request = new SplitRequest("cancer", Optional.empty(), SplitScenarios.FRACTIONS, 11, List.of(), Optional.empty(),
                Optional.of("target"));
        SplitManifest m = runs.run("split", r -> new SplitJob(r).split(request)).manifest();
        assertEquals(569, m.statistics().total());
        assertEquals(31, m.spec().keys().size(), "without an id every column is the key");
        long ones = cancer.filter(col("target").equalTo(1)).count();
        Map<String, Long> train = m.statistics().labels().get("train");
        assertEquals(half(0.8, ones), train.get("1"), "train holds its exact share of the positive class");
        assertEquals(half(0.8, 569 - ones), train.get("0"));
        assertEquals(0, m.statistics().keyOverlap());

        SplitManifest again = runs.run("split", r -> new SplitJob(r).split(new SplitRequest("cancer", Optional.empty(),
                SplitScenarios.FRACTIONS, 11, List.of(), Optional.empty(), Optional.of("target")))).manifest();
        assertEquals(m.table(), again.table(), "the same split again writes nothing");
    }

    @Test
    void existingKeysKeepTheirSplitWhenTheDatasetGrowsAndAnIdenticalRerunWritesNothing(SparkSession spark, @TempDir Path dir) {
        TestRuns runs = new TestRuns(spark, dir);
        SplitScenarios.write(runs, SplitScenarios.visits(spark, 0, 2000), false);
        SplitRequest stratified = SplitScenarios.REQUESTS.get(1);
        SplitManifest first = runs.run("split", r -> new SplitJob(r).split(stratified)).manifest();
        SplitResult again = runs.run("split", r -> new SplitJob(r).split(stratified));
        assertTrue(again.unchanged());
        assertEquals(first.table(), again.manifest().table());
        assertEquals(first.table(), runs.env().store().latest(first.table().table()).orElseThrow(), "no new version");

        SplitScenarios.write(runs, SplitScenarios.visits(spark, 2000, 2500), true);
        SplitManifest grown = runs.run("split", r -> new SplitJob(r).split(stratified)).manifest();
        assertEquals(1, grown.source().version());
        assertEquals(Optional.of(first.table().version()), grown.previous());
        assertEquals(Optional.of(0L), grown.keysMoved());
        assertEquals(2500, grown.statistics().total());
        assertEquals(0, moved(spark, first.table(), grown.table()), "counted independently of the manifest");
        long trainShare = grown.statistics().rows().get("train");
        assertTrue(Math.abs(trainShare - 2000) <= 10, "train still holds its share: " + trainShare);

        SplitManifest plainFirst = runs.run("split", r -> new SplitJob(r).split(SplitScenarios.REQUESTS.get(0))).manifest();
        assertTrue(plainFirst.keysMoved().orElseThrow() > 100, "a different spec moves keys: " + plainFirst.keysMoved());
        SplitRequest reseeded = new SplitRequest(SplitScenarios.DATASET, Optional.empty(), SplitScenarios.FRACTIONS, 8,
                List.of("id"), Optional.empty(), Optional.empty());
        SplitManifest moved = runs.run("split", r -> new SplitJob(r).split(reseeded)).manifest();
        assertTrue(moved.keysMoved().orElseThrow() > 300, "a new seed moves about a third of the keys: " + moved.keysMoved());
        assertEquals(moved(spark, plainFirst.table(), moved.table()), moved.keysMoved().orElseThrow());
    }

    @Test
    void verifyRecomputesTheManifestAndCatchesAChangedRow(SparkSession spark, @TempDir Path dir) {
        TestRuns runs = new TestRuns(spark, dir);
        SplitScenarios.write(runs, SplitScenarios.visits(spark, 0, 500), false);
        SplitManifest manifest = runs.run("split", r -> new SplitJob(r).split(SplitScenarios.REQUESTS.get(1))).manifest();
        SplitReader reader = new SplitReader(runs.env().store(), runs.env().layout());
        assertTrue(reader.verify(reader.manifest(SplitScenarios.DATASET, Optional.empty())).intact());
        assertEquals(manifest.statistics().rows().get("test"), reader.read(manifest.ref("test")).count());
        assertFalse(List.of(reader.read(manifest.ref("test")).columns()).contains("split"));

        String table = manifest.table().table();
        DeltaTable.forPath(spark, table).updateExpr("id = 'v42'", Map.of("x", "x + 1"));
        IntegrityException unrecorded = assertThrows(IntegrityException.class,
                () -> reader.manifest(SplitScenarios.DATASET, Optional.empty()));
        assertTrue(unrecorded.getMessage().startsWith("Version 1 of " + table + " has no split manifest"), unrecorded.getMessage());
        assertThrows(UsageException.class, () -> reader.read(new SplitRef(table, 1, "test")));
        assertTrue(reader.verify(reader.manifest(SplitScenarios.DATASET, Optional.of(0L))).intact(), "version 0 is untouched");

        TableVersion changed = new TableVersion(table, 1);
        new SplitManifests(runs.env().store(), runs.env().layout())
                .record(new SplitManifest(manifest.dataset(), manifest.source(), changed, manifest.spec(), manifest.statistics(),
                        Optional.empty(), Optional.empty(), "20261123-000000-00000001", manifest.recordedAt()));
        String split = spark.read().format("delta").load(table).filter(col("id").equalTo("v42")).first().getAs("split");
        SplitVerification forged = reader.verify(reader.manifest(SplitScenarios.DATASET, Optional.empty()));
        assertEquals(List.of("row hash of split '" + split + "': manifest " + manifest.statistics().rowHashes().get(split)
                + ", table " + forged.recomputed().rowHashes().get(split)), forged.problems());

        DeltaTable.forPath(spark, table).updateExpr("id = 'v7'", Map.of("split", "CASE WHEN split = 'test' THEN 'train' ELSE 'test' END"));
        new SplitManifests(runs.env().store(), runs.env().layout())
                .record(new SplitManifest(manifest.dataset(), manifest.source(), new TableVersion(table, 2), manifest.spec(),
                        manifest.statistics(), Optional.empty(), Optional.empty(), "20261123-000000-00000002", manifest.recordedAt()));
        List<String> problems = reader.verify(reader.manifest(SplitScenarios.DATASET, Optional.empty())).problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("rows of split 'test'")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("key hash of split 'train'")), problems::toString);
    }

    @Test
    void badRequestsFailWithOneLineNamingTheProblem(SparkSession spark, @TempDir Path dir) {
        TestRuns runs = new TestRuns(spark, dir);
        UsageException missing = assertThrows(UsageException.class,
                () -> runs.run("split", r -> new SplitJob(r).split(SplitScenarios.REQUESTS.get(0))));
        assertTrue(missing.getMessage().startsWith("Dataset 'visits' has no table at "), missing.getMessage());

        SplitScenarios.write(runs, SplitScenarios.visits(spark, 0, 100), false);
        UsageException column = assertThrows(UsageException.class, () -> runs.run("split", r -> new SplitJob(r).split(
                SplitScenarios.request(List.of("id"), Optional.empty(), Optional.of("lable")))));
        assertEquals("Dataset 'visits' has no column 'lable' (--stratify): its columns are id, user, label, x", column.getMessage());
        UsageException version = assertThrows(UsageException.class, () -> runs.run("split", r -> new SplitJob(r).split(
                new SplitRequest(SplitScenarios.DATASET, Optional.of(4L), SplitScenarios.FRACTIONS, 1, List.of(), Optional.empty(),
                        Optional.empty()))));
        assertTrue(version.getMessage().contains("has no version 4"), version.getMessage());
        UsageException never = assertThrows(UsageException.class,
                () -> new SplitReader(runs.env().store(), runs.env().layout()).manifest(SplitScenarios.DATASET, Optional.empty()));
        assertTrue(never.getMessage().startsWith("Dataset 'visits' has no split table at "), never.getMessage());

        SplitManifest m = runs.run("split", r -> new SplitJob(r).split(new SplitRequest(SplitScenarios.DATASET, Optional.empty(),
                SplitFractions.parse("a=0.5,b=0.5"), 3, List.of(), Optional.empty(), Optional.empty()))).manifest();
        assertEquals(List.of("id", "user", "label", "x"), m.spec().keys(), "no contract: the whole row is the key");
        UsageException split = assertThrows(UsageException.class, () -> m.ref("test"));
        assertEquals("Split 'test' is not in " + m.table() + ": choose one of a, b", split.getMessage());

        SplitScenarios.visits(spark, 0, 10).withColumn("split", col("id")).write().format("delta").mode("overwrite")
                .option("overwriteSchema", "true").save(runs.env().layout().dataset(SplitScenarios.DATASET));
        UsageException clash = assertThrows(UsageException.class, () -> runs.run("split", r -> new SplitJob(r).split(
                SplitScenarios.REQUESTS.get(0))));
        assertTrue(clash.getMessage().startsWith("Dataset 'visits' already has a column named 'split'"), clash.getMessage());
    }

    @Test
    void fractionsParseOrSayWhatIsWrong() {
        assertEquals("train=0.8,val=0.1,test=0.1", SplitFractions.parse(" train=0.80, val=0.1,test=0.1").toString());
        assertEquals(new BigDecimal("0.9"), SplitFractions.parse("train=0.8,val=0.1,test=0.1").cumulative().get(1));
        Map<String, String> bad = Map.of(
                "train=0.8,test=0.1", "the fractions sum to 0.9, not 1",
                "train=0.8,train=0.2", "split 'train' is named twice",
                "train=1", "at least 2 splits are needed",
                "Train=0.5,test=0.5", "'Train=0.5' is not NAME=FRACTION with a lower-case name",
                "train=x,test=0.5", "'x' is not a number",
                "train=0,test=1", "train must be above 0 and at most 1",
                "a=0.333333333,b=0.666666667", "a has more than 8 decimal places");
        bad.forEach((text, why) -> {
            UsageException e = assertThrows(UsageException.class, () -> SplitFractions.parse(text));
            assertEquals("Invalid --fractions '" + text + "': " + why + "; expected NAME=FRACTION,... summing to 1, "
                    + "e.g. train=0.8,val=0.1,test=0.1", e.getMessage());
        });
    }

    /** Half-up rounding of {@code fraction * n}, the cut-off the stratified split promises. */
    private static long half(double fraction, long n) {
        return BigDecimal.valueOf(fraction).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Keys of {@code before} whose split differs in {@code after}, by a plain join. */
    private static long moved(SparkSession spark, TableVersion before, TableVersion after) {
        Dataset<Row> a = spark.read().format("delta").option("versionAsOf", before.version()).load(before.table())
                .select(col("id"), col("split").as("before"));
        Dataset<Row> b = spark.read().format("delta").option("versionAsOf", after.version()).load(after.table())
                .select(col("id"), col("split").as("after"));
        return a.join(b, "id").filter(col("before").notEqual(col("after"))).count();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
