package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;

/**
 * Reads Delta tables and their history without Spark, through Delta Kernel and the commit files
 * of the Delta log: milliseconds instead of Spark jobs, for keel's small metadata tables and for
 * commands that must answer quickly. Not for data that grows with the lake: rows are streamed to
 * the caller in file order, not sorted.
 */
public final class KernelTables {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Configuration hadoopConf;
    private final Engine engine;

    public KernelTables(Configuration hadoopConf) {
        this.hadoopConf = requireNonNull(hadoopConf, "hadoopConf");
        this.engine = DefaultEngine.create(hadoopConf);
    }

    /** The latest version, or empty when {@code path} holds no Delta table. */
    public Optional<Long> latestVersion(String path) {
        return snapshot(path).map(s -> s.getVersion(engine));
    }

    /**
     * Streams every row of the latest version whose file may satisfy {@code skipping} (files are
     * skipped by their statistics; rows are not filtered, the caller does that).
     *
     * @param columns the columns to read
     * @return false when there is no table at {@code path}
     */
    public boolean scan(String path, List<String> columns, Optional<Predicate> skipping, Consumer<LakeRow> consumer) {
        Optional<Snapshot> snapshot = snapshot(path);
        if (snapshot.isEmpty()) {
            return false;
        }
        StructType schema = snapshot.get().getSchema(engine);
        List<StructField> fields = new ArrayList<>();
        for (String c : columns) {
            int i = schema.indexOf(c);
            if (i < 0) {
                throw new IllegalArgumentException("Cannot read column " + c + " of " + path + ": the table has "
                        + schema.fieldNames());
            }
            fields.add(schema.at(i));
        }
        ScanBuilder builder = snapshot.get().getScanBuilder(engine).withReadSchema(engine, new StructType(fields));
        if (skipping.isPresent()) {
            builder = builder.withFilter(engine, skipping.get());
        }
        Scan scan = builder.build();
        Row scanState = scan.getScanState(engine);
        StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
        return StorageErrors.guard(path, () -> {
            try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
                while (files.hasNext()) {
                    try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
                        while (scanFiles.hasNext()) {
                            Row scanFile = scanFiles.next();
                            FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
                            try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(engine, scanState,
                                    scanFile, engine.getParquetHandler().readParquetFiles(
                                            Utils.singletonCloseableIterator(file), physicalSchema, Optional.empty()))) {
                                while (data.hasNext()) {
                                    try (CloseableIterator<Row> rows = data.next().getRows()) {
                                        rows.forEachRemaining(r -> consumer.accept(new LakeRow(r)));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return true;
        });
    }

    /**
     * The newest {@code limit} commits, newest first, read from the log's commit files (what
     * {@code DESCRIBE HISTORY} shows). Commits whose files the log's retention already removed are
     * not returned.
     */
    public List<Commit> history(String path, int limit) {
        Optional<Long> latest = latestVersion(path);
        if (latest.isEmpty()) {
            return List.of();
        }
        List<Commit> commits = new ArrayList<>();
        for (long v = latest.get(); v >= 0 && commits.size() < limit; v--) {
            Optional<Commit> commit = commit(path, v);
            if (commit.isEmpty()) {
                break;
            }
            commits.add(commit.get());
        }
        return commits;
    }

    /** The commit at {@code version}, empty when its commit file is gone (log retention) or never existed. */
    public Optional<Commit> commit(String path, long version) {
        Path file = new Path(new Path(path, "_delta_log"), String.format("%020d.json", version));
        return StorageErrors.guard(path, () -> {
            FileSystem fs = file.getFileSystem(hadoopConf);
            String text;
            try (InputStream in = fs.open(file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (FileNotFoundException e) {
                return Optional.<Commit>empty();
            }
            for (String line : text.split("\n")) {
                JsonNode action = JSON.readTree(line).get("commitInfo");
                if (action != null) {
                    return Optional.of(toCommit(version, action));
                }
            }
            return Optional.of(new Commit(version, Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime()),
                    "UNKNOWN", Map.of(), Map.of(), Optional.empty(), false));
        });
    }

    /** Column name to type ({@code long}, {@code string}, ...) of the latest version; empty when there is no table. */
    public Map<String, String> columnTypes(String path) {
        Map<String, String> types = new LinkedHashMap<>();
        snapshot(path).ifPresent(s -> s.getSchema(engine).fields().forEach(f -> types.put(f.getName(), f.getDataType().toString())));
        return types;
    }

    private Optional<Snapshot> snapshot(String path) {
        try {
            return Optional.of(StorageErrors.guard(path, () -> Table.forPath(engine, path).getLatestSnapshot(engine)));
        } catch (TableNotFoundException e) {
            return Optional.empty();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof FileNotFoundException) {
                return Optional.empty();
            }
            throw e;
        } catch (RuntimeException e) {
            if (e.getCause() instanceof TableNotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Commit toCommit(long version, JsonNode info) {
        return new Commit(version,
                Instant.ofEpochMilli(info.path("timestamp").asLong()),
                info.path("operation").asText("UNKNOWN"),
                strings(info.path("operationParameters")),
                strings(info.path("operationMetrics")),
                Optional.ofNullable(info.get("userMetadata")).filter(n -> !n.isNull()).map(JsonNode::asText),
                info.path("isBlindAppend").asBoolean(false));
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull()) {
                result.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        return result;
    }
}
