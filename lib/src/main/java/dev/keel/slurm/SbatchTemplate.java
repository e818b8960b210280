package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.keel.error.UsageException;

/**
 * A job script of {@code slurm/} with its parameters set: one {@code export NAME='value'} line per
 * parameter, inserted after the {@code #SBATCH} header, every value single-quoted so that no
 * configuration value can run as shell. The same file works with plain {@code sbatch --export}.
 *
 * @param file where the template was read from
 * @param text the template
 */
public record SbatchTemplate(String file, String text) {
    private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

    public SbatchTemplate {
        requireNonNull(file, "file");
        requireNonNull(text, "text");
        if (!text.startsWith("#!")) {
            throw new UsageException("Job template " + file + " does not start with #!: give a batch script");
        }
    }

    public static SbatchTemplate read(Path file) {
        try {
            return new SbatchTemplate(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UsageException("Cannot read job template " + file + " (" + e.getClass().getSimpleName() + "): check KEEL_HOME/slurm/");
        }
    }

    /** The script with {@code parameters} exported after the last {@code #SBATCH} line (the header sbatch reads). */
    public String render(Map<String, String> parameters) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int at = 1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#SBATCH")) {
                at = i + 1;
            }
        }
        List<String> exports = new ArrayList<>();
        exports.add("# Parameters set by keel when it submitted this job.");
        parameters.forEach((name, value) -> exports.add("export " + checkName(name) + "=" + quote(value)));
        lines.addAll(at, exports);
        return String.join("\n", lines) + "\n";
    }

    /** {@code value} as one single-quoted shell word: nothing in it is expanded or executed. */
    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new UsageException("A job parameter contains a NUL byte, which no shell word can hold");
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Cannot export job parameter: name must be upper-case letters, digits and '_', cannot be: "
                    + name);
        }
        return name;
    }
}
