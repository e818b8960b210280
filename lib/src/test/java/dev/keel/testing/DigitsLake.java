package dev.keel.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;

import dev.keel.demo.DigitsDrop;
import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.quality.ContractParser;
import dev.keel.split.SplitFractions;
import dev.keel.split.SplitJob;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitRequest;

/** The shipped digits in a test's lake: what training and comparison tests start from. */
public final class DigitsLake {
    private DigitsLake() {
    }

    /** The shipped digits drop written under {@code dir}, ingested, and split 80/10/10 by label (split version 0). */
    public static SplitManifest ingestAndSplit(TestRuns runs, SparkSession spark, Path dir) {
        String drop = dir.resolve("raw").toString();
        DigitsDrop.shipped().write(spark.sparkContext().hadoopConfiguration(), drop);
        runs.run("ingest", run -> new IngestJob(run).ingest(new IngestRequest(
                ContractParser.parse(Path.of("..", "conf", "contracts", "digits.yaml")), List.of(drop), IngestMode.APPEND)));
        return runs.run("split", run -> new SplitJob(run).split(new SplitRequest("digits", Optional.empty(),
                SplitFractions.parse("train=0.8,val=0.1,test=0.1"), 7, List.of(), Optional.empty(), Optional.of("label")))).manifest();
    }
}
