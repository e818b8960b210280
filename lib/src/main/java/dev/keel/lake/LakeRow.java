package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.Row;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;

/**
 * A row read without Spark (through Delta Kernel), with access by column name. Timestamps come
 * back as {@link Instant}s, arrays as lists.
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

    /** The string, or null when the column is null. */
    public String getString(String column) {
        int i = index(column);
        return row.isNullAt(i) ? null : row.getString(i);
    }

    public Optional<String> findString(String column) {
        return Optional.ofNullable(getString(column));
    }

    /** A timestamp column, or null when the column is null. */
    public Instant getInstant(String column) {
        int i = index(column);
        return row.isNullAt(i) ? null : Instant.EPOCH.plus(row.getLong(i), ChronoUnit.MICROS);
    }

    /** An array of strings; empty when null. */
    public List<String> getStrings(String column) {
        int i = index(column);
        if (row.isNullAt(i)) {
            return List.of();
        }
        ArrayValue array = row.getArray(i);
        ColumnVector elements = array.getElements();
        List<String> result = new ArrayList<>(array.getSize());
        for (int j = 0; j < array.getSize(); j++) {
            result.add(elements.isNullAt(j) ? null : elements.getString(j));
        }
        return result;
    }

    /** An array of structs; empty when null. */
    public List<LakeRow> getStructs(String column) {
        int i = index(column);
        if (row.isNullAt(i)) {
            return List.of();
        }
        ArrayValue array = row.getArray(i);
        ColumnVector elements = array.getElements();
        StructType type = (StructType) elements.getDataType();
        List<LakeRow> result = new ArrayList<>(array.getSize());
        for (int j = 0; j < array.getSize(); j++) {
            result.add(new LakeRow(new VectorRow(elements, j, type)));
        }
        return result;
    }

    private int index(String column) {
        int i = row.getSchema().indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("Cannot read column " + column + ": the row has "
                    + row.getSchema().fields().stream().map(StructField::getName).toList());
        }
        return i;
    }

    /** One element of a struct column vector, seen as a row. */
    private record VectorRow(ColumnVector vector, int rowId, StructType schema) implements Row {
        @Override
        public StructType getSchema() {
            return schema;
        }

        @Override
        public boolean isNullAt(int ordinal) {
            return vector.getChild(ordinal).isNullAt(rowId);
        }

        @Override
        public boolean getBoolean(int ordinal) {
            return vector.getChild(ordinal).getBoolean(rowId);
        }

        @Override
        public byte getByte(int ordinal) {
            return vector.getChild(ordinal).getByte(rowId);
        }

        @Override
        public short getShort(int ordinal) {
            return vector.getChild(ordinal).getShort(rowId);
        }

        @Override
        public int getInt(int ordinal) {
            return vector.getChild(ordinal).getInt(rowId);
        }

        @Override
        public long getLong(int ordinal) {
            return vector.getChild(ordinal).getLong(rowId);
        }

        @Override
        public float getFloat(int ordinal) {
            return vector.getChild(ordinal).getFloat(rowId);
        }

        @Override
        public double getDouble(int ordinal) {
            return vector.getChild(ordinal).getDouble(rowId);
        }

        @Override
        public String getString(int ordinal) {
            return vector.getChild(ordinal).getString(rowId);
        }

        @Override
        public java.math.BigDecimal getDecimal(int ordinal) {
            return vector.getChild(ordinal).getDecimal(rowId);
        }

        @Override
        public byte[] getBinary(int ordinal) {
            return vector.getChild(ordinal).getBinary(rowId);
        }

        @Override
        public Row getStruct(int ordinal) {
            ColumnVector child = vector.getChild(ordinal);
            return new VectorRow(child, rowId, (StructType) child.getDataType());
        }

        @Override
        public ArrayValue getArray(int ordinal) {
            return vector.getChild(ordinal).getArray(rowId);
        }

        @Override
        public io.delta.kernel.data.MapValue getMap(int ordinal) {
            return vector.getChild(ordinal).getMap(rowId);
        }
    }
}
