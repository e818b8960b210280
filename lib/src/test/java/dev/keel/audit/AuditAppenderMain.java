package dev.keel.audit;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.SparkSession;

import dev.keel.config.KeelConfig;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.SparkSessions;
import dev.keel.testing.SharedSpark;

/** One writer process of {@link AuditConcurrencyIT}: appends N events, one commit each. */
public final class AuditAppenderMain {
    private AuditAppenderMain() {
    }

    public static void main(String[] args) {
        String table = args[0];
        int count = Integer.parseInt(args[1]);
        String writer = args[2];
        Map<String, String> settings = new HashMap<>(SharedSpark.SETTINGS);
        settings.put("spark.master", "local[1]");
        settings.put("spark.databricks.delta.snapshotPartitions", "1");
        settings.put("spark.sql.shuffle.partitions", "1");
        SparkSession spark = SparkSessions.create(KeelConfig.of(settings), "audit-appender-" + writer);
        DeltaAuditLog log = new DeltaAuditLog(new DeltaStore(spark), table, Clock.systemUTC());
        for (int i = 1; i <= count; i++) {
            long started = System.nanoTime();
            AuditEvent e = log.append(AuditDraft.of(writer, "note", "concurrency", "20261122-000000-0000000" + writer.charAt(writer.length() - 1),
                    Map.of("i", i)));
            System.out.println(writer + " appended #" + e.seq() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
        spark.stop();
    }
}
