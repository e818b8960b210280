package dev.keel.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.TableVersion;
import dev.keel.quality.ColumnMetrics;
import dev.keel.quality.ColumnProfiler;
import dev.keel.quality.ColumnState;
import dev.keel.quality.Contract;
import dev.keel.quality.ContractParser;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;

/** Every kind of bad input, the exact rows quarantined and their reasons, and the ingest modes. */
@ExtendWith(SharedSpark.class)
class IngestJobTest {
    static final String CONTRACT = """
            dataset: readings
            format: csv
            columns:
              - name: id
                type: string
                nullable: false
              - name: sensor
                type: string
              - name: taken_at
                type: timestamp
                format: "yyyy-MM-dd HH:mm"
              - name: count
                type: int
              - name: weight
                type: double
              - name: status
                type: string
            cleaning:
              null_tokens: ["", "NA", "NULL", "NaN"]
              columns:
                sensor: { case: upper, default: UNKNOWN }
                status: { case: lower, regex_replace: [ { pattern: "[^a-z]", replacement: "" } ] }
                weight: { unit: { from: g, to: kg } }
            rules:
              - name: count_range
                column: count
                range: { min: 0, max: 100 }
              - name: status_allowed
                column: status
                allowed: [ok, warn, fail]
              - name: id_format
                column: id
                regex: "^r[0-9]+$"
              - name: light_enough
                sql: "weight < 1000"
            primary_key: [id]
            dedup: { keep: latest, order_by: taken_at }
            dataset_rules:
              min_rows: 1
              max_quarantine_ratio: 0.9
            """;

    static final String HEADER = "id,sensor,taken_at,count,weight,status\n";

    @TempDir
    Path dir;

    private SparkSession spark;
    private TestRuns runs;
    private Path raw;
    private String lake;

    @BeforeEach
    void lake(SparkSession spark) throws IOException {
        this.spark = spark;
        this.lake = dir.resolve("lake").toString();
        this.runs = new TestRuns(spark, lake);
        this.raw = Files.createDirectories(dir.resolve("raw"));
    }

    private Contract contract(String yaml) {
        return ContractParser.parse("readings.yaml", yaml);
    }

    private IngestResult ingest(String yaml, IngestMode mode, String... sources) {
        return runs.run("ingest", run -> new IngestJob(run).ingest(new IngestRequest(contract(yaml), List.of(sources), mode)));
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(raw.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Map<String, Row> cleanRows() {
        Map<String, Row> rows = new TreeMap<>();
        new DeltaStore(spark).read(lake + "/datasets/readings").collectAsList().forEach(r -> rows.put(r.getString(0), r));
        return rows;
    }

    /** Quarantined rows of one run: key (the raw line of an unparseable record, else the raw id) to its reasons. */
    private Map<String, TreeSet<String>> quarantined(TableVersion version) {
        Map<String, TreeSet<String>> rows = new TreeMap<>();
        for (Row r : new DeltaStore(spark).read(version).collectAsList()) {
            List<String> violations = r.getList(r.fieldIndex("violations"));
            String rawLine = r.getString(r.fieldIndex("raw_line"));
            String key = rawLine != null ? rawLine : r.<String, String>getJavaMap(r.fieldIndex("values")).get("id");
            rows.put(key, new TreeSet<>(violations));
        }
        return rows;
    }

    private static TreeSet<String> reasons(String... reasons) {
        return new TreeSet<>(List.of(reasons));
    }

    @Test
    void everyKindOfBadRowIsQuarantinedWithEveryRuleItBroke() throws IOException {
        write("a.csv", HEADER
                + "r1,s1,2024-01-01 10:00,5,1500,OK\n"
                + "r2, s2 ,2024-01-01 10:05,NA,NULL,Warn!\n"
                + "r3,s3,2024-01-01 10:10\n"
                + "r4,s4,2024-01-01 10:15,1,2,ok,extra\n"
                + "\"r5,s5,2024-01-01 10:20,1,2,ok\n"
                + "NA,s6,2024-01-01 10:25,1,2,ok\n"
                + "r7,s7,2024-01-01 10:30,abc,2,ok\n"
                + "r8,s8,2024-01-01 10:35,500,2,ok\n"
                + "r9,s9,2024-01-01 10:40,1,2,BAD!\n"
                + "x10,s10,2024-01-01 10:45,1,2,ok\n"
                + "r11,s11,2024-01-01 10:50,1,2000000,ok\n"
                + "r12,s12,2024-01-01 10:55,-5,2,nope\n"
                + "r13,s13,yesterday,1,2,ok\n"
                + "r1,s1b,2024-01-01 09:00,6,1500,ok\n"
                + "r14,,2024-01-01 11:00,1,2,ok\n");
        Files.write(raw.resolve("b.csv"), (HEADER + "r15,caf\u00e9,2024-01-01 11:05,1,2,ok\nr16,s16,2024-01-01 11:10,1,2,ok\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        write("c.csv", "status,id,count,sensor,weight,taken_at\nok,r17,3,s17,100,2024-01-01 11:15\n");

        IngestResult result = ingest(CONTRACT, IngestMode.APPEND, raw.toString());

        assertEquals(3, result.filesRead());
        assertEquals(18, result.rowsRead());
        assertEquals(5, result.rowsClean());
        assertEquals(12, result.rowsQuarantined());
        assertEquals(1, result.rowsDuplicate());
        assertTrue(result.conserved());
        assertEquals(new TableVersion(lake + "/datasets/readings", 0), result.version().orElseThrow());

        Map<String, TreeSet<String>> expected = new TreeMap<>();
        expected.put("r3,s3,2024-01-01 10:10", reasons("malformed"));
        expected.put("r4,s4,2024-01-01 10:15,1,2,ok,extra", reasons("malformed"));
        expected.put("\"r5,s5,2024-01-01 10:20,1,2,ok", reasons("malformed"));
        expected.put("NA", reasons("not_null:id"));
        expected.put("r7", reasons("type:count"));
        expected.put("r8", reasons("count_range:count"));
        expected.put("r9", reasons("status_allowed:status"));
        expected.put("x10", reasons("id_format:id"));
        expected.put("r11", reasons("light_enough"));
        expected.put("r12", reasons("count_range:count", "status_allowed:status"));
        expected.put("r13", reasons("type:taken_at"));
        Map<String, TreeSet<String>> actual = quarantined(result.quarantine().orElseThrow());
        TreeSet<String> undecodable = actual.remove("r15");
        assertEquals(expected, actual);
        assertEquals(reasons("malformed"), undecodable, "a line whose bytes are not UTF-8 is malformed");

        Row quarantinedRow = new DeltaStore(spark).read(result.quarantine().orElseThrow()).filter("values['id'] = 'r12'").first();
        assertEquals("nope", quarantinedRow.<String, String>getJavaMap(quarantinedRow.fieldIndex("values")).get("status"));
        assertTrue(quarantinedRow.getString(quarantinedRow.fieldIndex("source_file")).endsWith("/raw/a.csv"));
        assertNull(quarantinedRow.get(quarantinedRow.fieldIndex("raw_line")));

        Map<String, Row> clean = cleanRows();
        assertEquals(List.of("r1", "r14", "r16", "r17", "r2"), List.copyOf(clean.keySet()));
        Row r1 = clean.get("r1");
        assertEquals("S1", r1.getString(1), "the newer duplicate survives, cleaned");
        assertEquals(Timestamp.valueOf("2024-01-01 10:00:00"), r1.getTimestamp(2));
        assertEquals(1.5, r1.getDouble(4), 1e-12, "grams become kilograms");
        assertEquals("ok", r1.getString(5));
        Row r2 = clean.get("r2");
        assertEquals("S2", r2.getString(1));
        assertTrue(r2.isNullAt(3) && r2.isNullAt(4), "null tokens become nulls");
        assertEquals("warn", r2.getString(5));
        assertEquals("UNKNOWN", clean.get("r14").getString(1));
        assertEquals(3, clean.get("r17").getInt(3), "columns are matched by header name");

        assertEquals(Map.of("count_range:count", 2L, "malformed", 4L, "status_allowed:status", 2L, "not_null:id", 1L,
                "type:count", 1L, "id_format:id", 1L, "light_enough", 1L, "type:taken_at", 1L), result.quarantinedByRule());

        DatasetVersion recorded = new DatasetVersions(new DeltaStore(spark), new LakeLayout(lake)).of("readings").get(0);
        assertEquals(DatasetVersion.Status.COMMITTED, recorded.status());
        assertEquals(Optional.of(0L), recorded.version());
        assertEquals(3, recorded.sourceFiles().size());
        assertEquals(contract(CONTRACT).sha256(), recorded.contractSha256());
        var weight = recorded.columns().stream().filter(c -> c.column().equals("weight")).findFirst().orElseThrow();
        assertEquals(0.2, weight.nullFraction(), 1e-12);
        assertEquals(Optional.of("0.002"), weight.min());
        assertEquals(Optional.of("1.5"), weight.max());
    }

    @Test
    void reRunsAreIdempotentNewFilesAreAppendedAndKnownKeysAreNotDuplicated() throws IOException {
        write("a.csv", HEADER + "r1,s1,2024-01-01 10:00,5,1500,ok\nr2,s2,2024-01-01 10:05,1,2,ok\n");
        assertEquals(0, ingest(CONTRACT, IngestMode.APPEND, raw.toString()).version().orElseThrow().version());

        IngestResult again = ingest(CONTRACT, IngestMode.APPEND, raw.toString());
        assertTrue(again.unchanged());
        assertEquals(1, again.filesSkipped());
        assertEquals(0, new DeltaStore(spark).latest(lake + "/datasets/readings").orElseThrow().version());

        write("b.csv", HEADER + "r3,s3,2024-01-02 10:00,7,1,ok\nr1,s1x,2024-01-02 10:00,9,1,ok\n");
        IngestResult appended = ingest(CONTRACT, IngestMode.APPEND, raw.toString());
        assertEquals(1, appended.filesRead());
        assertEquals(1, appended.filesSkipped());
        assertEquals(1, appended.rowsClean());
        assertEquals(1, appended.rowsDuplicate(), "append adds new keys only");
        assertEquals(1, appended.version().orElseThrow().version());
        assertEquals(List.of("r1", "r2", "r3"), List.copyOf(cleanRows().keySet()));
        assertEquals("S1", cleanRows().get("r1").getString(1));
        assertTableMetricsAgreeWithDelta(0);
        assertTableMetricsAgreeWithDelta(1);

        write("c.csv", HEADER + "r2,s2new,2024-01-03 10:00,8,1,warn\nr9,s9,2024-01-03 10:00,1,1,ok\n"
                + "r3,s3old,2023-01-01 10:00,1,1,ok\n");
        IngestResult merged = ingest(CONTRACT, IngestMode.MERGE, raw.toString());
        assertEquals(3, merged.rowsClean());
        Map<String, Row> rows = cleanRows();
        assertEquals(List.of("r1", "r2", "r3", "r9"), List.copyOf(rows.keySet()));
        assertEquals("S2NEW", rows.get("r2").getString(1), "a newer row updates its key");
        assertEquals("S3", rows.get("r3").getString(1), "an older row does not");
        assertTableMetricsAgreeWithDelta(2);

        IngestResult refreshed = ingest(CONTRACT, IngestMode.OVERWRITE, raw.resolve("a.csv").toString());
        assertEquals(2, refreshed.rowsClean());
        assertEquals(List.of("r1", "r2"), List.copyOf(cleanRows().keySet()));
        assertEquals(4, new DeltaStore(spark).read(new TableVersion(lake + "/datasets/readings", 2)).count(), "time travel");

        IngestResult afterRefresh = ingest(CONTRACT, IngestMode.APPEND, raw.toString());
        assertEquals(2, afterRefresh.filesRead(), "after an overwrite, only its own files count as ingested");
        assertEquals(1, afterRefresh.filesSkipped());
        assertTableMetricsAgreeWithDelta(3);
        assertTableMetricsAgreeWithDelta(4);
    }

    /**
     * The metrics recorded for a whole version (merged from the previous version's state and the
     * new rows' after an append) equal those computed over the version read back from Delta.
     */
    private void assertTableMetricsAgreeWithDelta(long version) {
        DeltaStore store = new DeltaStore(spark);
        DatasetVersion recorded = new DatasetVersions(store, new LakeLayout(lake)).committed("readings", version).orElseThrow();
        List<ColumnMetrics> computed = ColumnProfiler.states(store.read(new TableVersion(lake + "/datasets/readings", version)),
                contract(CONTRACT)).stream().map(ColumnState::metrics).toList();
        List<ColumnMetrics> merged = recorded.tableMetrics();
        assertEquals(computed.size(), merged.size(), "version " + version + ": " + merged);
        for (int i = 0; i < computed.size(); i++) {
            ColumnMetrics c = computed.get(i);
            ColumnMetrics m = merged.get(i);
            String what = "version " + version + ", column " + c.column() + ": " + m + " vs " + c;
            assertEquals(c.nullFraction(), m.nullFraction(), 1e-12, what);
            assertEquals(c.min(), m.min(), what);
            assertEquals(c.max(), m.max(), what);
            assertEquals(c.mean().isPresent(), m.mean().isPresent(), what);
            c.mean().ifPresent(mean -> assertEquals(mean, m.mean().orElseThrow(), 1e-9, what));
            assertEquals(c.approxDistinct(), m.approxDistinct(), what);
        }
    }

    @Test
    void aFailedDatasetRuleWritesNoVersionButRecordsTheAttempt() throws IOException {
        write("a.csv", HEADER + "r1,s1,2024-01-01 10:00,5,1500,ok\n");
        ingest(CONTRACT, IngestMode.APPEND, raw.toString());
        write("b.csv", HEADER + "r2,s2,2024-01-01 10:05,1,2,ok\nr3,s3,2024-01-01 10:06,999,2,ok\n");

        String strict = CONTRACT.replace("min_rows: 1", "min_rows: 5");
        IntegrityException e = assertThrows(IntegrityException.class, () -> ingest(strict, IngestMode.APPEND, raw.toString()));
        assertTrue(e.getMessage().startsWith("Ingest of readings rejected, no new version written: min_rows is 1, needs >= 5"),
                e.getMessage());

        assertEquals(0, new DeltaStore(spark).latest(lake + "/datasets/readings").orElseThrow().version());
        assertEquals(List.of("r1"), List.copyOf(cleanRows().keySet()));
        List<DatasetVersion> attempts = new DatasetVersions(new DeltaStore(spark), new LakeLayout(lake)).of("readings");
        DatasetVersion rejected = attempts.get(1);
        assertEquals(DatasetVersion.Status.REJECTED, rejected.status());
        assertEquals(Optional.empty(), rejected.version());
        assertEquals(1, rejected.rowsQuarantined());
        assertTrue(rejected.error().orElseThrow().contains("min_rows"));
        assertEquals(1, new DeltaStore(spark).read(lake + "/quarantine/readings").filter("values['id'] = 'r3'").count(),
                "the rejected attempt's quarantined rows are kept");

        IngestResult retried = ingest(CONTRACT, IngestMode.APPEND, raw.toString());
        assertEquals(1, retried.filesRead(), "a rejected file is not counted as ingested");
    }

    @Test
    void aHeaderThatDoesNotMatchTheContractFailsBeforeWriting() throws IOException {
        write("a.csv", "id,sensor,taken_at,count,weight,state\nr1,s1,2024-01-01 10:00,5,1500,ok\n");
        IntegrityException e = assertThrows(IntegrityException.class, () -> ingest(CONTRACT, IngestMode.APPEND, raw.toString()));
        assertTrue(e.getMessage().contains("missing status; undeclared state;"), e.getMessage());
        assertFalse(new DeltaStore(spark).exists(lake + "/datasets/readings"));
    }

    @Test
    void aSourceThatMatchesNothingIsAUsageError() {
        UsageException e = assertThrows(UsageException.class,
                () -> ingest(CONTRACT, IngestMode.APPEND, raw.resolve("*.csv").toString()));
        assertTrue(e.getMessage().startsWith("Source '" + raw.resolve("*.csv") + "' matches no files"), e.getMessage());
    }

    @Test
    void jsonLinesWithBrokenRecords() throws IOException {
        write("a.json", "{\"id\": \"r1\", \"sensor\": \"s1\", \"taken_at\": \"2024-01-01 10:00\", \"count\": 3, \"weight\": 10, \"status\": \"ok\"}\n"
                + "{\"id\": \"r2\", \"count\": \n"
                + "{\"id\": \"r3\", \"count\": \"many\", \"status\": \"ok\"}\n");
        IngestResult result = ingest(CONTRACT.replace("format: csv", "format: json"), IngestMode.APPEND, raw.toString());
        assertEquals(3, result.rowsRead());
        assertEquals(1, result.rowsClean());
        Map<String, TreeSet<String>> q = quarantined(result.quarantine().orElseThrow());
        assertEquals(Map.of("{\"id\": \"r2\", \"count\": ", reasons("malformed"), "r3", reasons("type:count")), q);
        assertEquals(0.01, cleanRows().get("r1").getDouble(4), 1e-12);
    }

    @Test
    void parquetSourcesAreReadByNameAndRowsAreLocated() {
        String parquet = dir.resolve("pq").toString();
        spark.sql("SELECT concat('r', id) AS id, 's' AS sensor, '2024-01-01 10:00' AS taken_at, CAST(id * 60 AS INT) AS count, "
                + "2.0 AS weight, 'ok' AS status FROM range(4)").coalesce(1).write().parquet(parquet);
        IngestResult result = ingest(CONTRACT.replace("format: csv", "format: parquet"), IngestMode.APPEND, parquet);
        assertEquals(4, result.rowsRead());
        assertEquals(2, result.rowsClean());
        List<Row> rejected = new DeltaStore(spark).read(result.quarantine().orElseThrow()).orderBy("line").collectAsList();
        assertEquals(List.of(2L, 3L), rejected.stream().map(r -> r.getLong(r.fieldIndex("line"))).toList(),
                "the reader's row index locates each rejected row");

        String missing = dir.resolve("pq2").toString();
        spark.sql("SELECT 'r1' AS id").write().parquet(missing);
        IntegrityException e = assertThrows(IntegrityException.class,
                () -> ingest(CONTRACT.replace("format: csv", "format: parquet"), IngestMode.APPEND, missing));
        assertTrue(e.getMessage().contains("lack the contract column(s) sensor, taken_at, count, weight, status"), e.getMessage());
    }

    @Test
    void binaryFilesAreIngestedWithTheirHashAndContent() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        byte[] small = {1, 2, 3};
        byte[] big = new byte[4096];
        Files.write(images.resolve("a.png"), small);
        Files.write(images.resolve("b.png"), big);
        Files.writeString(images.resolve("notes.txt"), "not an image");
        String yaml = """
                dataset: scans
                format: binary
                rules:
                  - name: small_enough
                    column: size
                    range: { max: 1024 }
                  - name: image_extension
                    column: path
                    regex: "\\\\.png$"
                primary_key: [sha256]
                """;
        IngestResult result = runs.run("ingest", run -> new IngestJob(run).ingest(new IngestRequest(
                ContractParser.parse("scans.yaml", yaml), List.of(images.toString()), IngestMode.APPEND)));
        assertEquals(3, result.rowsRead());
        assertEquals(1, result.rowsClean());
        assertEquals(Map.of("small_enough:size", 1L, "image_extension:path", 1L), result.quarantinedByRule());
        Row a = new DeltaStore(spark).read(lake + "/datasets/scans").first();
        assertTrue(a.getString(a.fieldIndex("path")).endsWith("/images/a.png"));
        assertEquals(3L, a.getLong(a.fieldIndex("size")));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(small)), a.getString(a.fieldIndex("sha256")));
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), toList((byte[]) a.get(a.fieldIndex("content"))));
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new java.util.ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }
}
