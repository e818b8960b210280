package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.types.StructField;

/**
 * A row read without Spark (through Delta Kernel), with access by column name. Timestamps come
 * back as {@link Instant}s, maps as Java maps in the table's order.
 */
public final class LakeRow {
    private final Row row;

    LakeRow(Row row) {
        this.row = requireNonNull(row, "row");
    }

    public boolean isNull(String column) {
        return row.isNullAt(index(column));
    }

    public long getLong(String column) {
        return row.getLong(index(column));
    }

    public boolean getBoolean(String column) {
        return row.getBoolean(index(column));
    }

    public int getInt(String column) {
        return row.getInt(index(column));
    }

    /** A map of strings to strings; empty when the column is null. */
    public Map<String, String> getStringMap(String column) {
        Map<String, String> map = new LinkedHashMap<>();
        int i = index(column);
        if (!row.isNullAt(i)) {
            MapValue value = row.getMap(i);
            for (int k = 0; k < value.getSize(); k++) {
                map.put(value.getKeys().getString(k), value.getValues().isNullAt(k) ? null : value.getValues().getString(k));
            }
        }
        return map;
    }

    /** A map of strings to doubles; empty when the column is null. */
    public Map<String, Double> getDoubleMap(String column) {
        Map<String, Double> map = new LinkedHashMap<>();
        int i = index(column);
        if (!row.isNullAt(i)) {
            MapValue value = row.getMap(i);
            for (int k = 0; k < value.getSize(); k++) {
                map.put(value.getKeys().getString(k), value.getValues().isNullAt(k) ? null : value.getValues().getDouble(k));
            }
        }
        return map;
    }

    /** The string, or null when the column is null. */
    public String getString(String column) {
        int i = index(column);
        return row.isNullAt(i) ? null : row.getString(i);
    }

    /** A timestamp column, or null when the column is null. */
    public Instant getInstant(String column) {
        int i = index(column);
        return row.isNullAt(i) ? null : Instant.EPOCH.plus(row.getLong(i), ChronoUnit.MICROS);
    }

    private int index(String column) {
        int i = row.getSchema().indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("Cannot read column " + column + ": the row has "
                    + row.getSchema().fields().stream().map(StructField::getName).toList());
        }
        return i;
    }
}
