package dev.keel.ingest;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;

import dev.keel.error.IntegrityException;
import dev.keel.lake.StorageErrors;
import dev.keel.quality.ColumnSpec;
import dev.keel.quality.Contract;
import dev.keel.quality.CsvOptions;
import dev.keel.quality.Validation;

/**
 * Reads raw files into the shape {@link Validation} takes: each contract column as text under
 * {@code __raw_<name>}, the reader's malformed-record text, and lineage ({@link #SOURCE_FILE},
 * {@link #LINE} where the reader gives one, {@link #RAW_LINE} for malformed records). Records that
 * do not parse are kept, never dropped: the CSV and JSON readers run in PERMISSIVE mode.
 *
 * <p>CSV files with a header are matched to the contract by column name, so files whose columns
 * come in another order are read correctly; a file whose header lacks a contract column, or has
 * one the contract does not declare, fails the ingest before anything is written.
 */
public final class SourceReader {
    public static final String SOURCE_FILE = "_source_file";
    public static final String LINE = "_line";
    public static final String RAW_LINE = "_raw_line";

    private final SparkSession spark;
    private final Configuration hadoopConf;

    public SourceReader(SparkSession spark) {
        this.spark = requireNonNull(spark, "spark");
        this.hadoopConf = spark.sparkContext().hadoopConfiguration();
    }

    public Dataset<Row> read(Contract contract, List<SourceFile> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Cannot read: no files given");
        }
        return switch (contract.format()) {
            case CSV -> csv(contract, files);
            case JSON -> json(contract, files);
            case PARQUET -> parquet(contract, files);
            case BINARY -> binary(files);
        };
    }

    private Dataset<Row> csv(Contract contract, List<SourceFile> files) {
        CsvOptions o = contract.csv();
        Map<List<String>, List<SourceFile>> byHeader = new LinkedHashMap<>();
        for (SourceFile f : files) {
            List<String> names = o.header() ? header(f, o) : contract.columnNames();
            byHeader.computeIfAbsent(names, k -> new ArrayList<>()).add(f);
        }
        Dataset<Row> all = null;
        for (Map.Entry<List<String>, List<SourceFile>> group : byHeader.entrySet()) {
            checkHeader(contract, group.getKey(), group.getValue());
            StructType schema = new StructType();
            for (String name : group.getKey()) {
                schema = schema.add(name, DataTypes.StringType);
            }
            schema = schema.add(Validation.CORRUPT, DataTypes.StringType);
            DataFrameReader reader = spark.read().format("csv").schema(schema)
                    .option("header", Boolean.toString(o.header()))
                    .option("sep", o.delimiter())
                    .option("quote", o.quote())
                    .option("escape", o.escape())
                    .option("encoding", o.encoding())
                    .option("mode", "PERMISSIVE")
                    .option("columnNameOfCorruptRecord", Validation.CORRUPT)
                    .option("ignoreLeadingWhiteSpace", "false")
                    .option("ignoreTrailingWhiteSpace", "false");
            Dataset<Row> part = shape(contract, reader.load(SourceFiles.paths(group.getValue())), lit(null).cast("long"));
            all = all == null ? part : all.unionByName(part);
        }
        return all;
    }

    private Dataset<Row> json(Contract contract, List<SourceFile> files) {
        StructType schema = new StructType();
        for (ColumnSpec c : contract.columns()) {
            schema = schema.add(c.name(), DataTypes.StringType);
        }
        schema = schema.add(Validation.CORRUPT, DataTypes.StringType);
        Dataset<Row> df = spark.read().format("json").schema(schema)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", Validation.CORRUPT)
                .load(SourceFiles.paths(files));
        return shape(contract, df, lit(null).cast("long"));
    }

    private Dataset<Row> parquet(Contract contract, List<SourceFile> files) {
        Dataset<Row> df = StorageErrors.guard(files.get(0).path(), () -> spark.read().parquet(SourceFiles.paths(files)));
        Set<String> present = new LinkedHashSet<>(List.of(df.columns()));
        List<String> missing = contract.columnNames().stream().filter(c -> !present.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IntegrityException("Parquet sources of " + contract.dataset() + " lack the contract column(s) "
                    + String.join(", ", missing) + " (they have " + String.join(", ", present) + "); fix the files or the contract");
        }
        List<Column> columns = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            columns.add(col(c.name()).cast(DataTypes.StringType).as(Validation.raw(c.name())));
        }
        columns.add(lit(null).cast(DataTypes.StringType).as(Validation.CORRUPT));
        columns.add(col("_metadata.file_path").as(SOURCE_FILE));
        columns.add(col("_metadata.row_index").as(LINE));
        columns.add(lit(null).cast(DataTypes.StringType).as(RAW_LINE));
        return df.select(columns.toArray(Column[]::new));
    }

    private Dataset<Row> binary(List<SourceFile> files) {
        Dataset<Row> df = spark.read().format("binaryFile").load(SourceFiles.paths(files));
        return df.select(
                col("path").as(Validation.raw("path")),
                col("length").as(Validation.raw("size")),
                col("modificationTime").as(Validation.raw("modification_time")),
                sha2(col("content"), 256).as(Validation.raw("sha256")),
                col("content").as(Validation.raw("content")),
                lit(null).cast(DataTypes.StringType).as(Validation.CORRUPT),
                col("path").as(SOURCE_FILE),
                lit(null).cast(DataTypes.LongType).as(LINE),
                lit(null).cast(DataTypes.StringType).as(RAW_LINE));
    }

    private static Dataset<Row> shape(Contract contract, Dataset<Row> df, Column line) {
        List<Column> columns = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            columns.add(col(c.name()).as(Validation.raw(c.name())));
        }
        columns.add(col(Validation.CORRUPT));
        columns.add(col("_metadata.file_path").as(SOURCE_FILE));
        columns.add(line.as(LINE));
        columns.add(col(Validation.CORRUPT).as(RAW_LINE));
        return df.select(columns.toArray(Column[]::new));
    }

    private List<String> header(SourceFile f, CsvOptions o) {
        String line = StorageErrors.guard(f.path(), () -> {
            Path path = new Path(f.path());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(path.getFileSystem(hadoopConf).open(path),
                    Charset.forName(o.encoding())))) {
                return in.readLine();
            }
        });
        if (line == null) {
            return List.of();
        }
        CsvParserSettings settings = new CsvParserSettings();
        settings.getFormat().setDelimiter(o.delimiter());
        settings.getFormat().setQuote(o.quote().charAt(0));
        settings.getFormat().setQuoteEscape(o.escape().charAt(0));
        String[] names = new CsvParser(settings).parseLine(line.startsWith("\uFEFF") ? line.substring(1) : line);
        List<String> header = new ArrayList<>();
        for (String n : names == null ? new String[0] : names) {
            header.add(n == null ? "" : n.trim());
        }
        return header;
    }

    private static void checkHeader(Contract contract, List<String> header, List<SourceFile> files) {
        if (header.isEmpty()) {
            return;
        }
        Set<String> declared = new LinkedHashSet<>(contract.columnNames());
        List<String> missing = declared.stream().filter(c -> !header.contains(c)).toList();
        List<String> unknown = header.stream().filter(c -> !declared.contains(c)).toList();
        Set<String> repeated = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        header.forEach(h -> {
            if (!seen.add(h)) {
                repeated.add(h);
            }
        });
        if (missing.isEmpty() && unknown.isEmpty() && repeated.isEmpty()) {
            return;
        }
        String file = files.get(0).path() + (files.size() > 1 ? " (and " + (files.size() - 1) + " more with the same header)" : "");
        StringBuilder problem = new StringBuilder("The header of " + file + " does not match contract " + contract.file() + ":");
        if (!missing.isEmpty()) {
            problem.append(" missing ").append(String.join(", ", missing)).append(';');
        }
        if (!unknown.isEmpty()) {
            problem.append(" undeclared ").append(String.join(", ", unknown)).append(';');
        }
        if (!repeated.isEmpty()) {
            problem.append(" repeated ").append(String.join(", ", repeated)).append(';');
        }
        problem.append(" fix the file or declare the columns; nothing was ingested");
        throw new IntegrityException(problem.toString());
    }
}
