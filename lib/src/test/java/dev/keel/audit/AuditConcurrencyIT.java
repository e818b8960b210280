package dev.keel.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.lake.DeltaStore;
import dev.keel.testing.ChildJvm;
import dev.keel.testing.SharedSpark;

/** Four separate JVM processes append 30 events each to one audit log at once; the chain stays linear. */
@ExtendWith(SharedSpark.class)
class AuditConcurrencyIT {
    private static final int WRITERS = 4;
    private static final int EVENTS_EACH = 30;

    @Test
    void fourProcessesAppendingConcurrentlyLeaveOneVerifiableChain(SparkSession spark, @TempDir Path lake) throws Exception {
        String table = lake.resolve("_keel/audit").toString();
        List<Process> writers = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int w = 1; w <= WRITERS; w++) {
            Path log = lake.resolve("writer-" + w + ".log");
            logs.add(log);
            writers.add(ChildJvm.start(AuditAppenderMain.class, log, List.of("-Xmx700m"),
                    table, Integer.toString(EVENTS_EACH), "writer-" + w));
        }
        for (int w = 0; w < WRITERS; w++) {
            assertTrue(writers.get(w).waitFor(20, TimeUnit.MINUTES), "writer " + (w + 1) + " did not finish");
            assertEquals(0, writers.get(w).exitValue(), () -> "writer failed:\n" + tail(logs));
        }

        DeltaAuditLog log = new DeltaAuditLog(new DeltaStore(spark), table, Clock.systemUTC());
        AuditVerification v = log.verify(java.util.Optional.empty());
        assertTrue(v.intact(), () -> v.breach().orElseThrow().message());
        assertEquals(WRITERS * EVENTS_EACH, v.events());
        assertEquals(WRITERS * EVENTS_EACH, v.headSeq());
        Map<String, Long> perWriter = log.tail(WRITERS * EVENTS_EACH).stream()
                .collect(Collectors.groupingBy(AuditEvent::actor, Collectors.counting()));
        long each = EVENTS_EACH;
        assertEquals(Map.of("writer-1", each, "writer-2", each, "writer-3", each, "writer-4", each), perWriter);
    }

    private static String tail(List<Path> logs) {
        StringBuilder out = new StringBuilder();
        for (Path p : logs) {
            try {
                List<String> lines = Files.readAllLines(p);
                out.append(p.getFileName()).append(":\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
            } catch (java.io.IOException e) {
                out.append(p).append(": ").append(e).append('\n');
            }
        }
        return out.toString();
    }
}
