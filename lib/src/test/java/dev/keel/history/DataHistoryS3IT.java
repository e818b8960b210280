package dev.keel.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.UUID;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.keel.lake.DeltaStore;
import dev.keel.testing.LocalS3;
import dev.keel.testing.SharedSpark;

/** The data history operations against the real local S3 server through s3a://, ingest from s3a:// included. */
@ExtendWith({SharedSpark.class, LocalS3.class})
class DataHistoryS3IT {
    @Test
    void historyShowDiffDriftRestoreAndVacuumOnS3(SparkSession spark) throws IOException {
        String root = "s3a://lake/history-" + UUID.randomUUID();
        new DataHistoryScenario(spark, root).run();
        DeltaStore store = new DeltaStore(spark);
        assertEquals(5, store.read(root + "/datasets/meters").count(), "the restored table's rows, read back from s3a://");
        assertTrue(store.latest(root + "/datasets/meters").orElseThrow().version() >= 3, "ingests, restore and re-ingest are versions there");
    }
}
