package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's scripts as users do: bash, from the project directory, with a chosen environment. */
final class Scripts {
    static final Path HOME = Path.of(System.getProperty("keel.home", ".."));

    private Scripts() {
    }

    /** Writes {@code conf/models/digits-mlp.yaml} trained for {@code epochs} instead of 30 to {@code file}; returns it. */
    static Path shortSpec(Path file, int epochs) throws IOException {
        String spec = Files.readString(HOME.resolve("conf/models/digits-mlp.yaml"), StandardCharsets.UTF_8);
        return Files.writeString(file, spec.replace("epochs: 30", "epochs: " + epochs), StandardCharsets.UTF_8);
    }

    /**
     * A release directory under {@code dir} whose digits-mlp policy gates on accuracy alone, which a
     * short training passes whatever the machine's load (the shipped policy also times batches).
     */
    static Path gentleRelease(Path dir) throws IOException {
        Path release = Files.createDirectories(dir.resolve("release"));
        Files.writeString(release.resolve("digits-mlp.yaml"), "model: digits-mlp\ngates:\n  minimum: { accuracy: 0.5 }\n");
        return release;
    }

    /** A finished script: exit status, standard output and standard error. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs {@code command} (a script path relative to the project, then its arguments) without the caller's SPARK_HOME. */
    static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("bash"));
        line.add(HOME.resolve(command[0]).toString());
        line.addAll(List.of(command).subList(1, command.length));
        ProcessBuilder builder = new ProcessBuilder(line).directory(HOME.toFile());
        builder.environment().remove("SPARK_HOME");
        builder.environment().putAll(env);
        Path out = Files.createTempFile("keel-out", ".txt");
        Path err = Files.createTempFile("keel-err", ".txt");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out: " + line);
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
