package dev.keel.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.keel.config.ConfigKey;
import dev.keel.config.ConfigKeys;
import dev.keel.config.KeelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel config show}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Inspect the effective configuration.",
        subcommands = ConfigCommand.Show.class)
final class ConfigCommand extends CommandGroup {
    @ParentCommand
    KeelCommand parent;

    /** Every effective key, its value and where it came from. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Every effective key, its value and where it came from (secrets masked).",
                "Precedence: --set, KEEL_* environment, system properties, --conf file, conf/env/<keel.env>.properties,",
                "conf/keel.properties, built-in defaults."})
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ConfigCommand config;

        @Option(names = "--describe", description = "Add each key's description, and list unset keys too.")
        boolean describe;

        @Override
        public Integer call() {
            Cli cli = config.parent.cli();
            KeelConfig effective = cli.config();
            Map<String, Map<String, Object>> rows = new TreeMap<>();
            for (KeelConfig.Entry e : effective.entries()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("value", e.displayValue());
                row.put("source", e.source().describe());
                row.put("secret", e.secret());
                ConfigKeys.find(e.key()).filter(k -> describe).ifPresent(k -> row.put("description", k.description()));
                rows.put(e.key(), row);
            }
            if (describe) {
                for (ConfigKey k : ConfigKeys.ALL) {
                    rows.computeIfAbsent(k.name(), n -> {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("value", null);
                        row.put("source", "unset");
                        row.put("secret", k.secret());
                        row.put("description", k.description());
                        return row;
                    });
                }
            }
            if (cli.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("config_hash", effective.hash());
                doc.put("keys", rows);
                cli.printJson(doc);
                return 0;
            }
            int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
            List<String> lines = new ArrayList<>();
            rows.forEach((key, row) -> {
                Object value = row.get("value");
                lines.add(String.format("%-" + width + "s = %s   [%s]", key, value == null ? "(unset)" : value, row.get("source"))
                        + (describe ? System.lineSeparator() + " ".repeat(width + 3) + row.get("description") : ""));
            });
            lines.forEach(cli.out()::println);
            cli.out().println("config hash " + effective.hash());
            return 0;
        }
    }
}
