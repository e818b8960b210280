package dev.keel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.keel.error.UsageException;

class RunIdTest {
    @Test
    void idsSortByStartTimeAndAreSafeDirectoryNames() {
        RunId early = RunId.generate(Instant.parse("2026-11-22T10:00:00Z"), new Random(1));
        RunId late = RunId.generate(Instant.parse("2026-11-22T10:00:01Z"), new Random(0));
        assertTrue(early.compareTo(late) < 0);
        assertTrue(early.value().matches("20261122-100000-[0-9a-f]{8}"), early.value());
    }

    @Test
    void malformedIdIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> new RunId("last-tuesday"));
        assertTrue(e.getMessage().startsWith("Invalid run id 'last-tuesday'"), e.getMessage());
    }

    @Test
    void actorPrefersKeelActorThenSlurmUserThenOsUser() {
        assertEquals(new Actor("svc-ml", "KEEL_ACTOR"),
                Actor.resolve(Map.of("KEEL_ACTOR", "svc-ml", "SLURM_JOB_USER", "ada"), "root"));
        assertEquals(new Actor("ada", "SLURM_JOB_USER"), Actor.resolve(Map.of("SLURM_JOB_USER", "ada"), "root"));
        assertEquals(new Actor("root", "os user"), Actor.resolve(Map.of("KEEL_ACTOR", " "), "root"));
    }
}
