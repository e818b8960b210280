package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dataset's contract: how its raw files are read, what the clean rows look like, how values are
 * cleaned, which rows are rejected and which batches fail. Parsed from YAML by {@link ContractParser}.
 *
 * @param dataset the dataset name ({@code datasets/<name>})
 * @param description what the data is
 * @param format how raw files are read
 * @param csv CSV parsing options (for {@link SourceFormat#CSV})
 * @param columns the schema, in order
 * @param trim whether values are trimmed by default
 * @param nullTokens texts that mean "no value" in every column
 * @param cleaning per-column cleaning
 * @param rules row rules
 * @param primaryKey the columns identifying a row (empty: none)
 * @param dedup which duplicate survives, when a primary key is declared
 * @param partitionBy partition columns of the clean table
 * @param datasetRules batch-level rules
 * @param file where the contract was read from
 * @param sha256 SHA-256 of the contract file's bytes: the contract's identity in dataset versions
 */
public record Contract(
        String dataset,
        String description,
        SourceFormat format,
        CsvOptions csv,
        List<ColumnSpec> columns,
        boolean trim,
        List<String> nullTokens,
        Map<String, ColumnCleaning> cleaning,
        List<RowRule> rules,
        List<String> primaryKey,
        Optional<Dedup> dedup,
        List<String> partitionBy,
        DatasetRules datasetRules,
        String file,
        String sha256) {

    public Contract {
        requireNonNull(dataset, "dataset");
        requireNonNull(description, "description");
        requireNonNull(format, "format");
        requireNonNull(csv, "csv");
        columns = List.copyOf(columns);
        nullTokens = List.copyOf(nullTokens);
        cleaning = Map.copyOf(cleaning);
        rules = List.copyOf(rules);
        primaryKey = List.copyOf(primaryKey);
        requireNonNull(dedup, "dedup");
        partitionBy = List.copyOf(partitionBy);
        requireNonNull(datasetRules, "datasetRules");
        requireNonNull(file, "file");
        requireNonNull(sha256, "sha256");
    }

    public Optional<ColumnSpec> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public ColumnCleaning cleaningOf(String column) {
        return cleaning.getOrDefault(column, ColumnCleaning.none());
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnSpec::name).toList();
    }
}
