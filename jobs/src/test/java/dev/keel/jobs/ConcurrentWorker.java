package dev.keel.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.apache.spark.sql.SparkSession;

import dev.keel.config.ConfigLoader;
import dev.keel.lake.SparkSessions;
import dev.keel.testing.SharedSpark;

/**
 * One writer process of {@link ConcurrentWritersIT}: its own JVM and Spark session, running keel
 * commands in rounds against the shared lake as a user would, each checked against the exit codes
 * it may end with. Prints one line per command; exits 1 at the first unexpected exit code.
 *
 * <p>Arguments: the suite's home, the role ({@code ingest-a}, {@code ingest-b}, {@code bad},
 * {@code maint}), the number of rounds, the number of versions of {@code events-mlp} to move the
 * champion alias between (none: no promotions). Writes {@code ready-<role>} in the home once its Spark
 * session is up and starts when the file {@code go} appears there, so that the four processes
 * begin together.
 */
final class ConcurrentWorker {
    static final String DATASET = "events";
    static final int BATCH = 40;

    private final Path home;
    private final String role;
    private final CliHarness keel;
    private final int models;

    private ConcurrentWorker(Path home, String role, CliHarness keel, int models) {
        this.home = home;
        this.role = role;
        this.keel = keel;
        this.models = models;
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String role = args[1];
        int rounds = Integer.parseInt(args[2]);
        int models = Integer.parseInt(args[3]);
        Map<String, String> environment = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("KEEL_")) {
                environment.put(k, v);
            }
        });
        Map<String, String> sets = new HashMap<>(SharedSpark.SETTINGS);
        sets.put("spark.master", "local[1]");
        sets.put("spark.sql.shuffle.partitions", "1");
        sets.put("spark.default.parallelism", "1");
        SparkSession spark = SparkSessions.create(new ConfigLoader(Optional.empty(), environment, new Properties())
                .load(Optional.empty(), sets), "keel-concurrent-" + role);
        CliHarness keel = new CliHarness(spark, home);
        environment.forEach(keel::env);
        keel.env("KEEL_ACTOR", role);
        ConcurrentWorker worker = new ConcurrentWorker(home, role, keel, models);
        Files.writeString(home.resolve("ready-" + role), "");
        while (!Files.exists(home.resolve("go"))) {
            Thread.sleep(100);
        }
        for (int round = 1; round <= rounds; round++) {
            worker.round(round);
        }
        System.out.println("worker " + role + " done");
        spark.stop();
        System.exit(0);
    }

    private void round(int round) throws IOException {
        switch (role) {
            case "ingest-a", "ingest-b" -> {
                String own = role.substring("ingest-".length());
                Path dir = Files.createDirectories(home.resolve("raw").resolve(own));
                Files.writeString(dir.resolve(own + "-" + round + ".csv"), batch(own + round, 0));
                expect(Set.of(0), ingestArgs(dir.toString(), shared(home, round).toString()));
                if (own.equals("a")) {
                    expect(Set.of(0), "split", "--dataset", DATASET, "--seed", "7");
                } else if (models > 0) {
                    expect(Set.of(0, 2), "promote", "events-mlp@" + (1 + round % models), "--alias", "champion", "--reason",
                            "round " + round + " by " + role, "--force");
                }
            }
            case "bad" -> {
                Path dir = Files.createDirectories(home.resolve("raw").resolve("bad"));
                Path file = dir.resolve("bad-" + round + ".csv");
                Files.writeString(file, batch("x" + round, BATCH / 2));
                expect(Set.of(3), ingestArgs(file.toString()));
                expect(Set.of(0), "data", "restore", DATASET, "--version", "1");
            }
            case "maint" -> {
                expect(Set.of(0), "data", "restore", DATASET, "--version", "0");
                expect(Set.of(0), "split", "--dataset", DATASET, "--seed", "7");
                if (models > 0) {
                    expect(Set.of(0, 2), "promote", "events-mlp@" + (1 + (round + 1) % models), "--alias", "champion", "--reason",
                            "round " + round + " by " + role, "--force");
                }
                if (round == 1) {
                    expect(Set.of(0), "data", "vacuum", DATASET);
                }
            }
            default -> throw new IllegalArgumentException("Unknown role " + role);
        }
    }

    private String[] ingestArgs(String... sources) {
        List<String> args = new ArrayList<>(List.of("ingest", "--dataset", DATASET, "--contract",
                home.resolve("events.yaml").toString(), "--source"));
        args.addAll(List.of(sources));
        return args.toArray(String[]::new);
    }

    private void expect(Set<Integer> allowed, String... args) {
        long start = System.nanoTime();
        CliHarness.Result r = keel.run(args);
        System.out.printf("%s: exit %d in %.1f s: keel %s%n", role, r.exit(), (System.nanoTime() - start) / 1e9, String.join(" ", args));
        if (!allowed.contains(r.exit())) {
            System.out.println("UNEXPECTED exit " + r.exit() + ", allowed " + allowed + "\n" + r);
            System.exit(1);
        }
    }

    /** The file both ingest workers name in round {@code round}: exactly one of them may ingest it. */
    static Path shared(Path home, int round) {
        return home.resolve("raw").resolve("shared").resolve("shared-" + round + ".csv");
    }

    /**
     * {@link #BATCH} rows with keys {@code <prefix>-<i>}, three classes; the first {@code outOfRange}
     * rows break the contract's range rule.
     */
    static String batch(String prefix, int outOfRange) {
        StringBuilder csv = new StringBuilder("id,x1,x2,label\n");
        for (int i = 0; i < BATCH; i++) {
            int label = i % 3;
            double x1 = i < outOfRange ? 500 + i : label * 10 + (i * 7 % 5);
            csv.append(prefix).append('-').append(i).append(',').append(x1).append(',').append(label * 3 - i % 4)
                    .append(',').append(label).append('\n');
        }
        return csv.toString();
    }
}
