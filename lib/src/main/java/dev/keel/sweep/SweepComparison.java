package dev.keel.sweep;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.keel.compare.Comparison;
import dev.keel.compare.Evaluation;
import dev.keel.compare.ModelComparer;
import dev.keel.compare.SliceEvaluator;
import dev.keel.error.UsageException;
import dev.keel.registry.ModelAnnotator;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelEntry;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.Registry;
import dev.keel.run.RunContext;

/**
 * A sweep's final step: every registered candidate (tagged {@code sweep:<id>}) evaluated on its
 * validation split, ranked by the selection metric there (the test split stays unseen by the
 * choice), the best tagged {@code best-of:<id>}, and the best compared with the model's champion on
 * the test split with paired statistics. Evaluations and the comparison go to
 * {@code _keel/evaluations}; the ranking is audited as {@code sweep.compared}.
 */
public final class SweepComparison {
    /** The tag every candidate of sweep {@code id} carries. */
    public static String tag(String id) {
        return "sweep:" + id;
    }

    private final RunContext run;

    public SweepComparison(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /**
     * A ranked candidate.
     *
     * @param model the registered version
     * @param candidate its index in the grid, when tagged with it
     * @param validation its metrics on the validation split
     * @param test its metrics on the test split, as registered
     */
    public record Ranked(ModelRef model, Optional<Integer> candidate, Map<String, Double> validation, Map<String, Double> test) {
    }

    /**
     * What the sweep found.
     *
     * @param sweep the sweep id
     * @param metric the selection metric
     * @param maximise whether higher was better
     * @param ranking the candidates, best first
     * @param champion the best compared with the model's champion, when there is one (and it is not the best)
     */
    public record Result(String sweep, String metric, boolean maximise, List<Ranked> ranking, Optional<Comparison> champion) {
        public Ranked best() {
            return ranking.get(0);
        }
    }

    /**
     * Ranks sweep {@code id}'s candidates.
     *
     * @param metric the selection metric, else the task's default (accuracy; rmse for a regression)
     * @param maximise whether higher is better, else the metric's natural direction
     */
    public Result compare(String id, Optional<String> metric, Optional<Boolean> maximise, double alpha, int resamples) {
        Registry registry = new ModelCatalog(run.env().store().kernel(), run.env().layout()).read();
        List<ModelEntry> candidates = registry.entries().stream().filter(e -> e.tags().contains(tag(id))).toList();
        if (candidates.isEmpty()) {
            throw new UsageException("No model version is tagged " + tag(id) + ": no candidate of sweep " + id + " was registered; check "
                    + "the sweep's task logs (logs/keel-sweep-*.out) and 'keel models search --tag " + tag(id) + "'");
        }
        List<String> names = candidates.stream().map(e -> e.model().name()).distinct().toList();
        if (names.size() > 1) {
            throw new UsageException("Sweep " + id + " tags versions of several models " + names + ": a sweep compares versions of one "
                    + "model; remove the tag from the others with 'keel models tag NAME@V --remove " + tag(id) + "'");
        }
        ModelVersion first = candidates.get(0).model();
        String chosen = metric.orElse(first.task().equals("regression") ? "rmse" : "accuracy");
        boolean higher = maximise.orElse(!List.of("log_loss", "rmse", "mae").contains(chosen));
        SliceEvaluator evaluator = new SliceEvaluator(run);
        List<Ranked> ranked = new ArrayList<>();
        for (ModelEntry e : candidates) {
            Evaluation validation = evaluator.evaluate(e.model(), Optional.of(e.model().validation()), List.of(),
                    new SliceEvaluator.Declared("none", "none"));
            Map<String, Double> values = validation.overall().metrics();
            if (!values.containsKey(chosen)) {
                throw new UsageException("Cannot rank sweep " + id + " by '" + chosen + "': the candidates have metrics " + values.keySet()
                        + "; set select.metric in the grid (or --metric) to one of them");
            }
            ranked.add(new Ranked(e.ref(), e.tags().stream().filter(t -> t.startsWith("candidate:"))
                    .map(t -> Integer.parseInt(t.substring("candidate:".length()))).findFirst(), values, e.model().metrics()));
        }
        Comparator<Ranked> byMetric = Comparator.comparingDouble(r -> r.validation().get(chosen));
        ranked.sort((higher ? byMetric.reversed() : byMetric).thenComparing(r -> r.model().version()));
        Ranked best = ranked.get(0);
        new ModelAnnotator(run).tag(best.model().toString(), List.of("best-of:" + id), List.of());
        ModelVersion bestVersion = registry.resolve(best.model().toString());
        Optional<Comparison> vsChampion = registry.holder(first.name(), "champion")
                .filter(c -> c.version() != best.model().version())
                .map(c -> new ModelComparer(run).compareOn(bestVersion, c, bestVersion.test(), alpha, resamples));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sweep", id);
        details.put("metric", chosen);
        details.put("goal", higher ? "max" : "min");
        details.put("ranking", ranked.stream().map(r -> r.model() + " " + chosen + "=" + r.validation().get(chosen)).toList());
        details.put("best", best.model().toString());
        vsChampion.ifPresent(c -> {
            details.put("champion", c.baseline().toString());
            details.put("verdict", c.verdict().text());
        });
        run.audit("sweep.compared", first.name(), details);
        return new Result(id, chosen, higher, ranked, vsChampion);
    }
}
