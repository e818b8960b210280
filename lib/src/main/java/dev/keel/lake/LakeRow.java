package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;

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

    public double getDouble(String column) {
        return row.getDouble(index(column));
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

    /** An array of strings; empty when the column is null. */
    public List<String> getStringList(String column) {
        List<String> list = new ArrayList<>();
        int i = index(column);
        if (!row.isNullAt(i)) {
            ArrayValue value = row.getArray(i);
            for (int k = 0; k < value.getSize(); k++) {
                list.add(value.getElements().isNullAt(k) ? null : value.getElements().getString(k));
            }
        }
        return list;
    }

    /**
     * An array of structs as maps from field name to value (strings, numbers, booleans; timestamps
     * as {@link Instant}s; nested values are left out); empty when the column is null.
     */
    public List<Map<String, Object>> getStructList(String column) {
        List<Map<String, Object>> list = new ArrayList<>();
        int i = index(column);
        if (row.isNullAt(i)) {
            return list;
        }
        ColumnVector elements = row.getArray(i).getElements();
        StructType type = (StructType) elements.getDataType();
        for (int k = 0; k < row.getArray(i).getSize(); k++) {
            if (elements.isNullAt(k)) {
                continue;
            }
            Map<String, Object> struct = new LinkedHashMap<>();
            for (int f = 0; f < type.length(); f++) {
                ColumnVector field = elements.getChild(f);
                struct.put(type.at(f).getName(), field.isNullAt(k) ? null : scalar(field, k));
            }
            list.add(struct);
        }
        return list;
    }

    private static Object scalar(ColumnVector v, int k) {
        DataType t = v.getDataType();
        if (t instanceof StringType) {
            return v.getString(k);
        } else if (t instanceof LongType) {
            return v.getLong(k);
        } else if (t instanceof IntegerType) {
            return v.getInt(k);
        } else if (t instanceof DoubleType) {
            return v.getDouble(k);
        } else if (t instanceof BooleanType) {
            return v.getBoolean(k);
        } else if (t instanceof TimestampType) {
            return Instant.EPOCH.plus(v.getLong(k), ChronoUnit.MICROS);
        }
        return null;
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
