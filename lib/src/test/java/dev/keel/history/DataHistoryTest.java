package dev.keel.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.testing.SharedSpark;

/** The data history operations on a local lake, and the drift index on known distributions. */
@ExtendWith(SharedSpark.class)
class DataHistoryTest {
    @Test
    void historyShowDiffDriftRestoreAndVacuumOnLocalDisk(SparkSession spark, @TempDir Path dir) throws IOException {
        new DataHistoryScenario(spark, dir.resolve("lake").toString()).run();
    }

    @Test
    void psiOfKnownDistributions() {
        assertEquals(0.0, DriftAnalysis.psi(new double[] {0.5, 0.5}, new double[] {0.5, 0.5}), 1e-12);
        double expected = (0.7 - 0.5) * Math.log(0.7 / 0.5) + (0.3 - 0.5) * Math.log(0.3 / 0.5);
        assertEquals(expected, DriftAnalysis.psi(new double[] {0.5, 0.5}, new double[] {0.7, 0.3}), 1e-12);
        assertEquals((1 - 1e-4) * Math.log(1 / 1e-4) * 2, DriftAnalysis.psi(new double[] {1, 0}, new double[] {0, 1}), 1e-9,
                "an empty bin is floored, not infinite");
    }
}
