package dev.keel.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.UsageException;
import dev.keel.slurm.SweepSubmission;
import dev.keel.slurm.TrainSubmission;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;

class SweepGridTest {
    private static final ModelSpec BASE = ModelSpecParser.parse(Path.of("../conf/models/digits-mlp.yaml"));

    @Test
    void theShippedGridExpandsToEveryCombinationFirstPathSlowest() {
        SweepGrid grid = SweepGrid.read(Path.of("../conf/sweeps/digits-mlp.yaml"));
        assertEquals(Optional.of("accuracy"), grid.metric());
        assertEquals(4, grid.size());
        List<Candidate> candidates = grid.expand(BASE);
        assertEquals(4, candidates.size());
        double[] rates = {0.001, 0.001, 0.003, 0.003};
        int[] units = {64, 128, 64, 128};
        for (int i = 0; i < 4; i++) {
            ModelSpec spec = candidates.get(i).spec();
            assertEquals(rates[i], spec.training().updater().learningRate(), 1e-12, "candidate " + i);
            assertEquals(units[i], ((ModelSpec.Dense) spec.network().layers().get(0)).units(), "candidate " + i);
            assertEquals(64, ((ModelSpec.Dense) spec.network().layers().get(1)).units(), "the rest of the spec is kept");
            assertEquals(BASE.name(), spec.name());
            assertEquals(BASE.features(), spec.features());
        }
        assertEquals("training.learning_rate=0.003, network.layers.0.units=128", candidates.get(3).label());
        assertTrue(candidates.get(3).specText().startsWith("# Candidate 3 of sweep grid"), candidates.get(3).specText());
        assertEquals(candidates.get(2).spec().sha256(), grid.candidate(BASE, 2).spec().sha256(), "expansion is deterministic");
        UsageException outside = assertThrows(UsageException.class, () -> grid.candidate(BASE, 4));
        assertTrue(outside.getMessage().contains("has candidates 0-3, not 4"), outside.getMessage());
    }

    @Test
    void badGridsAreRefusedNamingTheProblem(@TempDir Path dir) throws Exception {
        assertProblem(dir, "parameters:\n  network.layers.5.units: [8]\n", "has only 2 item(s) at network.layers");
        assertProblem(dir, "parameters:\n  training.learning_rate: [-1]\n", "invalid spec");
        assertProblem(dir, "parameters:\n  training.learning_rate: []\n", "no values");
        assertProblem(dir, "parameters:\n  training.epochs: 3\n", "expected a list");
        assertProblem(dir, "select: { metric: accuracy }\nparamters:\n  training.epochs: [3]\n", ":2: paramters: unknown field");
        assertProblem(dir, "parameters:\n  model: [other]\n", "changes the model name");
        assertProblem(dir, "parameters:\n  training.seed.x: [1]\n", "is a single value");
        assertProblem(dir, "select: { goal: up }\nparameters:\n  training.epochs: [3]\n", "expected max or min");
        assertProblem(dir, "parameters:\n  Training.Epochs: [3]\n", "not a spec path");
        StringBuilder big = new StringBuilder("parameters:\n");
        for (String p : List.of("training.epochs", "training.batch_size", "training.seed", "training.l2")) {
            big.append("  ").append(p).append(": [").append("1, 2, 3, 4, 5, 6".repeat(1)).append("]\n");
        }
        assertProblem(dir, big.toString(), "more than 1000 candidates");
    }

    @Test
    void aBudgetReservesEachCandidatesTimeLimitTimesItsGpus() {
        TrainSubmission.Request gpu = new TrainSubmission.Request(BASE, "digits@0", 2, 1, 4, Optional.of(Duration.ofMinutes(90)),
                Optional.empty(), Optional.empty(), Map.of());
        SweepSubmission.Request r = new SweepSubmission.Request(gpu, Path.of("grid.yaml"), Optional.of(30.0), Optional.empty());
        assertEquals(12.0, r.reservation(), 1e-12, "2 nodes x 4 GPUs x 1.5 h");
        assertEquals("GPU-hours", r.unit());
        TrainSubmission.Request cpu = new TrainSubmission.Request(BASE, "digits@0", 1, 2, 0, Optional.of(Duration.ofMinutes(30)),
                Optional.empty(), Optional.empty(), Map.of());
        assertEquals(1.0, new SweepSubmission.Request(cpu, Path.of("g"), Optional.of(1.0), Optional.empty()).reservation(), 1e-12);
        TrainSubmission.Request unlimited = new TrainSubmission.Request(BASE, "digits@0", 1, 2, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of());
        UsageException noTime = assertThrows(UsageException.class,
                () -> new SweepSubmission.Request(unlimited, Path.of("g"), Optional.of(1.0), Optional.empty()));
        assertTrue(noTime.getMessage().contains("--budget needs --time"), noTime.getMessage());
        assertThrows(UsageException.class, () -> new SweepSubmission.Request(cpu, Path.of("g"), Optional.of(0.0), Optional.empty()));
    }

    private static void assertProblem(Path dir, String grid, String expected) throws Exception {
        Path file = dir.resolve("grid.yaml");
        Files.writeString(file, grid);
        UsageException e = assertThrows(UsageException.class, () -> SweepGrid.read(file).expand(BASE), grid);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
