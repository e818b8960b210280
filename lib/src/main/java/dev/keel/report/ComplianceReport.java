package dev.keel.report;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keel.audit.AuditEvent;
import dev.keel.audit.AuditReader;
import dev.keel.audit.AuditVerification;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.run.RunContext;

/**
 * {@code keel report compliance}: every audited action since a moment, by actor and by model,
 * with the audit chain's verification result, as an HTML page.
 */
public final class ComplianceReport {
    private static final Pattern MODEL = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]*)@[A-Za-z0-9_-]+");

    private final RunContext run;

    public ComplianceReport(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /**
     * What the report found.
     *
     * @param page the written page
     * @param events the events in the period
     * @param intact whether the audit chain verified
     */
    public record Result(String page, int events, boolean intact) {
    }

    /** Writes the report of the events since {@code since} into {@code dir} (local or Hadoop). */
    public Result write(Instant since, String dir) {
        AuditVerification verification = run.env().audit().verify();
        List<AuditEvent> events = new AuditReader(run.env().store().kernel(), run.env().layout().keel(KeelTable.AUDIT)).all().stream()
                .filter(e -> !e.time().isBefore(since)).toList();
        HtmlPage page = new HtmlPage("Compliance report since " + since);
        Map<String, String> chain = new LinkedHashMap<>();
        chain.put("audit table", verification.table());
        chain.put("verification", verification.intact() ? "INTACT: " + verification.events() + " events, head #" + verification.headSeq()
                + " " + verification.headHash() : "BROKEN: " + verification.breach().orElseThrow().message());
        chain.put("anchor", verification.anchor().map(a -> "#" + a.seq() + " at " + a.location() + " (" + a.time() + " by " + a.actor()
                + ")").orElse("none: run keel audit anchor so that truncation is caught too"));
        chain.put("non-append commits on the audit table", Integer.toString(verification.suspiciousCommits().size()));
        chain.put("events in the period", Integer.toString(events.size()));
        chain.put("access denials in the period", Long.toString(events.stream().filter(e -> e.action().equals("access.denied")).count()));
        page.heading("Audit chain").facts(chain);

        Map<String, Map<String, Integer>> byActor = new TreeMap<>();
        Map<String, Map<String, Integer>> byModel = new TreeMap<>();
        TreeSet<String> actions = new TreeSet<>();
        for (AuditEvent e : events) {
            actions.add(e.action());
            byActor.computeIfAbsent(e.actor(), a -> new TreeMap<>()).merge(e.action(), 1, Integer::sum);
            Matcher m = MODEL.matcher(e.subject());
            if (m.matches()) {
                byModel.computeIfAbsent(m.group(1), a -> new TreeMap<>()).merge(e.action(), 1, Integer::sum);
            }
        }
        page.heading("By actor");
        page.chart("actors", stacked("Actions per actor", byActor, actions));
        page.table(List.of("actor", "events", "actions"), counts(byActor), "No action in the period.");
        page.heading("By model");
        page.chart("models", stacked("Actions per model", byModel, actions));
        page.table(List.of("model", "events", "actions"), counts(byModel), "No model action in the period.");
        page.heading("Every action");
        page.table(List.of("seq", "time", "actor", "action", "subject", "run", "details"), events.stream().map(e -> List.of(
                Long.toString(e.seq()), e.time().toString(), e.actor(), e.action(), e.subject(), e.runId(), e.details())).toList(),
                "No action in the period.");
        String index = page.write(dir, run.env().spark().sparkContext().hadoopConfiguration());
        run.audit("report.written", "compliance", Map.of("kind", "compliance", "path", index, "since",
                since.atOffset(ZoneOffset.UTC).toString(), "events", events.size(), "chain_intact", verification.intact()));
        return new Result(index, events.size(), verification.intact());
    }

    private static Map<String, Object> stacked(String title, Map<String, Map<String, Integer>> counts, TreeSet<String> actions) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("title", Map.of("text", title, "textStyle", Map.of("fontSize", 13)));
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of("top", 22, "type", "scroll"));
        option.put("grid", Map.of("top", 80, "left", 60, "right", 30));
        option.put("xAxis", Map.of("type", "category", "data", new ArrayList<>(counts.keySet())));
        option.put("yAxis", Map.of("type", "value", "name", "events"));
        List<Object> series = new ArrayList<>();
        for (String action : actions) {
            series.add(Map.of("name", action, "type", "bar", "stack", "all", "data",
                    counts.values().stream().map(c -> (Object) c.getOrDefault(action, 0)).toList()));
        }
        option.put("series", series);
        return option;
    }

    private static List<List<String>> counts(Map<String, Map<String, Integer>> counts) {
        return counts.entrySet().stream().map(e -> List.of(e.getKey(), Integer.toString(e.getValue().values().stream()
                .mapToInt(Integer::intValue).sum()), String.join(", ", e.getValue().entrySet().stream()
                        .map(a -> a.getKey() + " " + a.getValue()).toList()))).toList();
    }
}
