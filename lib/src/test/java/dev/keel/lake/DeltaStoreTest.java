package dev.keel.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.UsageException;
import dev.keel.testing.SharedSpark;

@ExtendWith(SharedSpark.class)
class DeltaStoreTest {
    @TempDir
    Path dir;

    @Test
    void everyCommitCarriesItsRunIdAndVersionsAreReported(SparkSession spark) {
        DeltaStore store = new DeltaStore(spark);
        String table = dir.resolve("t").toString();
        WriteResult first = store.append(table, spark.range(10).toDF(), WriteOptions.forRun("run-a"));
        WriteResult second = store.append(table, spark.range(5).toDF(), WriteOptions.forRun("run-b"));

        assertEquals(new TableVersion(table, 0), first.version());
        assertEquals(new TableVersion(table, 1), second.version());
        assertTrue(first.written() && second.written());
        List<Commit> history = store.history(table, 10);
        assertEquals(List.of(1L, 0L), history.stream().map(Commit::version).toList());
        assertEquals("run-b", history.get(0).userMetadata().orElseThrow());
        assertEquals("run-a", history.get(1).userMetadata().orElseThrow());
        assertEquals("WRITE", history.get(0).operation());
        assertEquals("Append", history.get(0).parameters().get("mode"));
        assertEquals("5", history.get(0).metrics().get("numOutputRows"));
    }

    @Test
    void idempotentWritesApplyOnce(SparkSession spark) {
        DeltaStore store = new DeltaStore(spark);
        String table = dir.resolve("t").toString();
        WriteOptions options = WriteOptions.forRun("run-a").withTransaction("keel-test", 7);
        assertTrue(store.append(table, spark.range(3).toDF(), options).written());
        WriteResult again = store.append(table, spark.range(3).toDF(), options);
        assertFalse(again.written());
        assertEquals(0, again.version().version());
        assertEquals(3, store.read(table).count());
        assertTrue(store.append(table, spark.range(3).toDF(), WriteOptions.forRun("run-a").withTransaction("keel-test", 8)).written());
        assertEquals(6, store.read(table).count());
    }

    @Test
    void readsPinAVersionOrATime(SparkSession spark) throws InterruptedException {
        DeltaStore store = new DeltaStore(spark);
        String table = dir.resolve("t").toString();
        store.append(table, spark.range(10).toDF(), WriteOptions.forRun("r"));
        Thread.sleep(1100);
        Instant between = Instant.now();
        Thread.sleep(1100);
        store.overwrite(table, spark.range(4).toDF(), WriteOptions.forRun("r"));

        assertEquals(4, store.read(table).count());
        assertEquals(10, store.read(new TableVersion(table, 0)).count());
        assertEquals(10, store.readAsOf(table, between).count());
        assertEquals(new TableVersion(table, 1), store.latest(table).orElseThrow());
        UsageException e = assertThrows(UsageException.class, () -> store.read(new TableVersion(table, 5)));
        assertEquals("Table " + table + " has no version 5: its latest is 1; 'keel data history' lists them", e.getMessage());
    }

    @Test
    void missingTableIsAUsageErrorNamingIt(SparkSession spark) {
        DeltaStore store = new DeltaStore(spark);
        String table = dir.resolve("nothing-here").toString();
        assertFalse(store.exists(table));
        assertTrue(store.latest(table).isEmpty());
        UsageException e = assertThrows(UsageException.class, () -> store.read(table));
        assertTrue(e.getMessage().startsWith("No Delta table at " + table), e.getMessage());
    }

    @Test
    void sqlCommandsCarryTheRunIdThroughTheSessionSetting(SparkSession spark) {
        DeltaStore store = new DeltaStore(spark);
        String table = dir.resolve("t").toString();
        store.append(table, spark.range(10).toDF(), WriteOptions.forRun("r1"));
        spark.conf().set(DeltaStore.USER_METADATA_CONF, "r2");
        try {
            spark.sql("DELETE FROM delta.`" + table + "` WHERE id < 3");
        } finally {
            spark.conf().unset(DeltaStore.USER_METADATA_CONF);
        }
        Commit delete = store.history(table, 1).get(0);
        assertEquals("DELETE", delete.operation());
        assertEquals("r2", delete.userMetadata().orElseThrow());
        assertEquals(7, store.read(table).count());
    }

    @Test
    void localLogStorePublishesACommitFileExactlyOnce() throws Exception {
        AtomicLocalLogStore logStore = new AtomicLocalLogStore(new Configuration());
        Path log = Files.createDirectories(dir.resolve("_delta_log"));
        org.apache.hadoop.fs.Path commit = new org.apache.hadoop.fs.Path(log.resolve("00000000000000000000.json").toUri());
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String line = "{\"writer\":" + i + "}";
            results.add(pool.submit(() -> {
                start.await();
                try {
                    logStore.write(commit, List.of(line).iterator(), false, new Configuration());
                    return true;
                } catch (FileAlreadyExistsException e) {
                    return false;
                }
            }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> r : results) {
            winners += r.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, winners);
        String content = Files.readString(log.resolve("00000000000000000000.json"), StandardCharsets.UTF_8);
        assertTrue(content.matches("\\{\"writer\":\\d\\}\n"), content);
        try (var files = Files.list(log)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
        Iterator<String> read = logStore.read(commit, new Configuration());
        assertEquals(content.trim(), read.next());
    }
}
