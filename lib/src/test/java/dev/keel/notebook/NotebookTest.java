package dev.keel.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;

/** Notebooks in Databricks SQL source format: parsed with keel's directives, run against a lake's views, failures named by cell. */
@ExtendWith(SharedSpark.class)
class NotebookTest {
    private static final String SOURCE = """
            -- Databricks notebook source
            -- MAGIC %md
            -- MAGIC # Runs review
            -- MAGIC Who ran what.

            -- COMMAND ----------

            -- keel:chart bar x=kind y=runs
            SELECT kind, count(*) AS runs FROM keel_runs GROUP BY kind ORDER BY kind;

            -- COMMAND ----------

            -- keel:expect any
            SELECT * FROM keel_runs WHERE kind = 'never'
            """;

    @Test
    void cellsAndDirectivesAreRead() {
        Notebook n = Notebook.parse("runs.sql", SOURCE);
        assertEquals("Runs review", n.title());
        assertEquals(3, n.cells().size());
        Notebook.Query chart = (Notebook.Query) n.cells().get(1);
        assertEquals("SELECT kind, count(*) AS runs FROM keel_runs GROUP BY kind ORDER BY kind", chart.sql(), "the semicolon goes");
        assertEquals(new Notebook.Chart("bar", "kind", List.of("runs"), Optional.empty()), chart.chart().orElseThrow());
        assertTrue(chart.rowsExpected());
        assertTrue(!((Notebook.Query) n.cells().get(2)).rowsExpected());
        UsageException unknown = assertThrows(UsageException.class, () -> Notebook.parse("x.sql", "-- keel:expect some\nSELECT 1"));
        assertTrue(unknown.getMessage().contains("cell 1: unknown directive '-- keel:expect some'"), unknown.getMessage());
        assertThrows(UsageException.class, () -> Notebook.parse("x.sql", "-- MAGIC %md\n-- MAGIC # Only words"));
    }

    @Test
    void aNotebookRunsAgainstTheLakesViewsAndNamesTheCellsThatFail(SparkSession spark, @TempDir Path dir) throws Exception {
        TestRuns runs = new TestRuns(spark, dir.resolve("lake"));
        runs.run("ingest", run -> null);
        runs.run("split", run -> null);
        NotebookRunner runner = new NotebookRunner(runs.env().store(), runs.env().layout());
        NotebookRunner.Result ok = runner.run(Notebook.parse("runs.sql", SOURCE), dir.resolve("ok").toString());
        assertTrue(ok.views().containsAll(List.of("keel_runs", "keel_audit")), ok.views()::toString);
        assertEquals(List.of(2L, 0L), ok.cells().stream().map(NotebookRunner.CellResult::rows).toList());
        String html = Files.readString(Path.of(ok.page()));
        assertTrue(html.contains("<h1>Runs review</h1>") && html.contains("id=\"chart-cell-2\"") && html.contains("<td>ingest</td>"), html);

        String broken = SOURCE + "\n-- COMMAND ----------\n\nSELECT no_such_column FROM keel_runs\n\n-- COMMAND ----------\n\n"
                + "SELECT * FROM keel_runs WHERE kind = 'never'\n\n-- COMMAND ----------\n\n-- keel:chart line x=kind y=actor\n"
                + "SELECT kind, actor FROM keel_runs\n";
        IntegrityException failed = assertThrows(IntegrityException.class, () -> runner.run(Notebook.parse("broken.sql", broken),
                dir.resolve("broken").toString()));
        assertTrue(failed.getMessage().startsWith("Notebook broken.sql: 3 of 5 queries failed"), failed.getMessage());
        assertTrue(failed.getMessage().contains("cell 4 failed: ") && failed.getMessage().contains("no_such_column"), failed.getMessage());
        assertTrue(failed.getMessage().contains("cell 5 returned no rows"), failed.getMessage());
        assertTrue(failed.getMessage().contains("cell 6 chart column 'actor' is not numeric"), failed.getMessage());
        assertTrue(Files.exists(dir.resolve("broken/index.html")), "the report is written all the same");
    }
}
