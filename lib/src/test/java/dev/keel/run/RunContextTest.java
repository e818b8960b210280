package dev.keel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.audit.AuditEvent;
import dev.keel.build.BuildInfo;
import dev.keel.config.KeelConfig;
import dev.keel.error.UsageException;
import dev.keel.lake.Commit;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.testing.SharedSpark;

@ExtendWith(SharedSpark.class)
class RunContextTest {
    @TempDir
    Path lake;

    private RunEnvironment env(SparkSession spark, StringWriter progress) {
        KeelConfig config = KeelConfig.of(Map.of("lake.root", lake.toString()));
        return new RunEnvironment(spark, config, new LakeLayout(lake.toString()),
                new BuildInfo("0.1.0", "abc123def4567890", false, "deadbeef"), new Actor("ada", "KEEL_ACTOR"), "node-1",
                Optional.of("4242"), new Progress(new PrintWriter(progress, true), true), Clock.systemUTC());
    }

    @Test
    void aSuccessfulRunIsRecordedAuditedAndStampedOnItsCommits(SparkSession spark) {
        StringWriter progress = new StringWriter();
        RunEnvironment env = env(spark, progress);
        RunId id = new RunId("20261122-101010-0000abcd");
        String table = lake.resolve("datasets/t").toString();

        TableVersion written = RunContext.execute(env, id, "ingest", List.of("ingest", "--dataset", "t"), Access.to("t", Permissions.DATA_INGEST), run -> {
            run.addInput(new TableVersion("/raw/source", 3));
            TableVersion v = env.store().append(table, spark.range(4).toDF(), WriteOptions.forRun(run.id().value())).version();
            spark.sql("DELETE FROM delta.`" + table + "` WHERE id = 0");
            run.addOutput(v);
            return v;
        });

        RunRecord record = env.runs().find(id.value()).orElseThrow();
        assertEquals(RunStatus.SUCCEEDED, record.status());
        assertEquals("ingest", record.kind());
        assertEquals("ada", record.actor());
        assertEquals("node-1", record.host());
        assertEquals("abc123def456", record.gitCommit());
        assertEquals(env.config().hash(), record.configHash());
        assertEquals(List.of("ingest", "--dataset", "t"), record.command());
        assertEquals(List.of(new TableVersion("/raw/source", 3)), record.inputs());
        assertEquals(List.of(written), record.outputs());
        assertEquals(Optional.of("4242"), record.slurmJobId());
        assertTrue(record.endedAt().orElseThrow().isAfter(record.startedAt()));
        assertTrue(record.sparkAppId().isPresent());

        List<Commit> commits = env.store().history(table, 5);
        assertEquals(2, commits.size());
        commits.forEach(c -> assertEquals(id.value(), c.userMetadata().orElseThrow(), c.operation()));

        List<AuditEvent> events = env.audit().log().tail(10);
        assertEquals(List.of("run.started", "run.succeeded"), events.stream().map(AuditEvent::action).toList());
        events.forEach(e -> assertEquals(id.value(), e.runId()));
        assertTrue(events.get(1).details().contains(written.toString()), events.get(1).details());
        assertTrue(progress.toString().contains("run " + id + " (ingest) started by ada"), progress.toString());
        assertTrue(env.audit().verify().intact());
    }

    @Test
    void aFailedRunRecordsTheErrorAndRethrowsIt(SparkSession spark) {
        RunEnvironment env = env(spark, new StringWriter());
        RunId id = new RunId("20261122-101011-0000abce");
        UsageException boom = new UsageException("No dataset 'digitz': did you mean 'digits'?");
        UsageException thrown = assertThrows(UsageException.class,
                () -> RunContext.execute(env, id, "split", List.of("split"), Access.to("t", Permissions.DATA_SPLIT), run -> {
                    throw boom;
                }));
        assertSame(boom, thrown);
        RunRecord record = env.runs().find(id.value()).orElseThrow();
        assertEquals(RunStatus.FAILED, record.status());
        assertEquals(Optional.of("No dataset 'digitz': did you mean 'digits'?"), record.error());
        AuditEvent last = env.audit().log().head().orElseThrow();
        assertEquals("run.failed", last.action());
        assertTrue(last.details().contains("digitz"), last.details());
        assertTrue(spark.conf().getOption("spark.databricks.delta.commitInfo.userMetadata").isEmpty());
    }
}
