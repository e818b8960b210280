package dev.keel.quality;

import java.util.Locale;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The types a contract column can declare, with the Spark SQL type each becomes. */
public enum ColumnType {
    STRING(DataTypes.StringType),
    INT(DataTypes.IntegerType),
    LONG(DataTypes.LongType),
    DOUBLE(DataTypes.DoubleType),
    BOOLEAN(DataTypes.BooleanType),
    DATE(DataTypes.DateType),
    TIMESTAMP(DataTypes.TimestampType),
    BINARY(DataTypes.BinaryType);

    private final DataType sparkType;

    ColumnType(DataType sparkType) {
        this.sparkType = sparkType;
    }

    public DataType sparkType() {
        return sparkType;
    }

    public boolean numeric() {
        return this == INT || this == LONG || this == DOUBLE;
    }

    /** The SQL type name used in casts. */
    public String sqlName() {
        return sparkType.sql();
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
