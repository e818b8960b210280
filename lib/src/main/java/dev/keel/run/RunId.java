package dev.keel.run;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

import dev.keel.error.UsageException;

/**
 * A run's identity: {@code yyyyMMdd-HHmmss-xxxxxxxx} (UTC time, then 32 random bits), so that ids
 * sort by start time and are safe as directory names ({@code checkpoints/<run id>/}).
 */
public record RunId(String value) implements Comparable<RunId> {
    private static final Pattern FORMAT = Pattern.compile("\\d{8}-\\d{6}-[0-9a-f]{8}");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    public RunId {
        requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new UsageException("Invalid run id '" + value + "': expected yyyyMMdd-HHmmss-xxxxxxxx as printed by keel "
                    + "(list runs with 'keel runs')");
        }
    }

    public static RunId generate(Instant now, RandomGenerator random) {
        byte[] suffix = new byte[4];
        for (int i = 0; i < suffix.length; i++) {
            suffix[i] = (byte) random.nextInt(256);
        }
        return new RunId(TIME.format(now) + "-" + HexFormat.of().formatHex(suffix));
    }

    @Override
    public int compareTo(RunId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
