package dev.keel.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ContractParserTest {
    private static Contract parse(String yaml) {
        return ContractParser.parse("test.yaml", yaml);
    }

    private static ContractException fails(String yaml) {
        return assertThrows(ContractException.class, () -> parse(yaml));
    }

    private static final String MINIMAL = """
            dataset: readings
            columns:
              - name: id
                type: string
                nullable: false
              - name: "v_{1..3}"
                type: double
            """;

    @Test
    void theShippedDigitsContractParses() {
        Contract c = ContractParser.parse(Path.of(System.getProperty("keel.home", "..")).resolve("conf/contracts/digits.yaml"));
        assertEquals("digits", c.dataset());
        assertEquals(3 + 64 + 1, c.columns().size());
        assertEquals(List.of("image_id"), c.primaryKey());
        assertEquals(Optional.of(new Dedup(Dedup.Keep.LATEST, "scanned_at")), c.dedup());
        RowRule pixels = c.rules().get(0);
        assertEquals(64, pixels.columns().size());
        assertEquals("pixel_63", pixels.columns().get(63));
        RowRule notBlank = c.rules().stream().filter(r -> r.name().equals("not_blank")).findFirst().orElseThrow();
        assertTrue(notBlank.sql().orElseThrow().startsWith("greatest(pixel_0, pixel_1, pixel_2,"), notBlank.sql().orElseThrow());
        assertEquals(64, c.sha256().length());
    }

    @Test
    void defaultsAndExpansions() {
        Contract c = parse(MINIMAL);
        assertEquals(SourceFormat.CSV, c.format());
        assertEquals(CsvOptions.defaults(), c.csv());
        assertEquals(List.of("id", "v_1", "v_2", "v_3"), c.columnNames());
        assertEquals(List.of(""), c.nullTokens());
        assertTrue(c.trim());
    }

    @Test
    void unitConversionsAreExact() {
        Contract c = parse(MINIMAL + """
                cleaning:
                  columns:
                    v_1: { unit: { from: g, to: kg } }
                    v_2: { unit: { from: F, to: C } }
                """);
        UnitConversion grams = c.cleaningOf("v_1").unit().orElseThrow();
        assertEquals(0.001, grams.scale(), 1e-12);
        UnitConversion fahrenheit = c.cleaningOf("v_2").unit().orElseThrow();
        assertEquals(100.0, 212 * fahrenheit.scale() + fahrenheit.offset(), 1e-9);
        assertEquals(0.0, 32 * fahrenheit.scale() + fahrenheit.offset(), 1e-9);
    }

    @Test
    void errorsNameTheFileTheLineAndTheField() {
        assertEquals("Contract test.yaml:4: columns[0].type: unknown type 'text'; expected one of string, int, long, double, "
                + "boolean, date, timestamp, binary", fails("""
                dataset: readings
                columns:
                  - name: id
                    type: text
                """).getMessage());
        ContractException unknownField = fails(MINIMAL + "primary_keys: [id]\n");
        assertEquals(8, unknownField.line());
        assertEquals("primary_keys", unknownField.field());
        assertTrue(unknownField.getMessage().contains("unknown field; allowed here:"), unknownField.getMessage());

        ContractException missingColumn = fails(MINIMAL + """
                rules:
                  - name: positive
                    column: v_9
                    range: { min: 0 }
                """);
        assertEquals(10, missingColumn.line());
        assertEquals("rules[0].column", missingColumn.field());
        assertTrue(missingColumn.getMessage().contains("unknown column 'v_9'"), missingColumn.getMessage());
    }

    @Test
    void everyKindOfMistakeIsCaughtBeforeAnyDataIsRead() {
        assertTrue(fails("dataset: [oops\n").getMessage().contains("(syntax): not valid YAML"));
        assertTrue(fails("").getMessage().contains("the file is empty"));
        assertTrue(fails("columns:\n  - {name: a, type: int}\n").getMessage().contains("dataset: required field is missing"));
        assertTrue(fails(MINIMAL.replace("readings", "Readings!")).getMessage().contains("Invalid dataset name 'Readings!'"));
        assertTrue(fails(MINIMAL + "format: xml\n").getMessage().contains("expected csv, json, parquet or binary"));
        assertTrue(fails(MINIMAL + "csv: { delimiter: ';;' }\n").getMessage().contains("expected one character"));
        assertTrue(fails(MINIMAL + "csv: { encoding: klingon }\n").getMessage().contains("unknown character set"));
        assertTrue(fails(MINIMAL.replace("    nullable: false", "    nullable: maybe")).getMessage().contains("expected true or false"));
        assertTrue(fails(MINIMAL + "  - name: id\n    type: int\n").getMessage().contains("column 'id' is declared twice"));
        assertTrue(fails(MINIMAL + "  - name: t\n    type: int\n    format: yyyy\n").getMessage()
                .contains("a format applies to date and timestamp columns"));
        assertTrue(fails(MINIMAL + "rules:\n  - name: r\n    column: id\n    regex: '[unclosed'\n").getMessage()
                .contains("invalid regular expression"));
        assertTrue(fails(MINIMAL + "rules:\n  - name: r\n    column: id\n    range: { min: 0 }\n").getMessage()
                .contains("range needs numeric columns; id is string"));
        assertTrue(fails(MINIMAL + "rules:\n  - name: r\n    columns: [v_1]\n    range: { min: 5, max: 1 }\n").getMessage()
                .contains("min 5.0 is greater than max 1.0"));
        assertTrue(fails(MINIMAL + "rules:\n  - name: r\n    column: id\n").getMessage()
                .contains("a rule needs exactly one of not_null, range, regex, allowed, sql; found none"));
        assertTrue(fails(MINIMAL + "rules:\n  - name: r\n    sql: 'v_1 >'\n").getMessage()
                .contains("not a valid Spark SQL expression"));
        assertTrue(fails(MINIMAL + "rules:\n  - name: r\n    sql: 'nope > 1'\n").getMessage()
                .contains("names column 'nope', which the contract does not declare"));
        assertTrue(fails(MINIMAL + "dedup: { keep: latest, order_by: v_1 }\n").getMessage()
                .contains("dedup needs a primary_key"));
        assertTrue(fails(MINIMAL + "cleaning:\n  columns:\n    v_1: { unit: { from: g, to: m } }\n").getMessage()
                .contains("cannot convert 'g' to 'm'"));
        assertTrue(fails(MINIMAL + "cleaning:\n  columns:\n    id: { case: title }\n").getMessage()
                .contains("expected lower or upper"));
        assertTrue(fails(MINIMAL + "dataset_rules:\n  completeness: { v_1: 1.5 }\n").getMessage()
                .contains("expected a fraction from 0 to 1"));
        assertTrue(fails(MINIMAL + "dataset_rules:\n  checks:\n    - { name: c, condition: 'count(*) >' }\n").getMessage()
                .contains("not a valid Spark SQL expression"));
        assertTrue(fails(MINIMAL + "rules:\n  - name: r\n    columns: 'w_*'\n    not_null: true\n").getMessage()
                .contains("'w_*' matches no declared column"));
    }

    @Test
    void aMissingFileIsAUsageError() {
        dev.keel.error.UsageException e = assertThrows(dev.keel.error.UsageException.class,
                () -> ContractParser.parse(Path.of("/nonexistent/contract.yaml")));
        assertTrue(e.getMessage().startsWith("Cannot read contract /nonexistent/contract.yaml"), e.getMessage());
    }
}
