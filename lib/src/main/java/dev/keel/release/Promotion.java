package dev.keel.release;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.keel.compare.EvaluationRow;
import dev.keel.compare.Evaluations;
import dev.keel.error.UsageException;
import dev.keel.lake.ConflictRetry;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.registry.AliasChange;
import dev.keel.registry.ModelAliases;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.Registry;
import dev.keel.run.RunContext;

/**
 * {@code keel promote} and {@code keel rollback}: moves an alias (champion, staging, any name) of
 * a model, appending to {@code _keel/model_aliases} and auditing the move. A promotion needs the
 * version's latest gate check to have passed, against the alias holder of now; {@code force}
 * (a permission of its own) goes ahead anyway and is recorded as forced.
 *
 * <p>Two runs moving one alias at once: each change is numbered after the history it read, and
 * only one change per number can land; the other run reads the history again and decides anew
 * (a second promotion of the same version finds nothing to do, one of another version finds its
 * gates were checked against a champion that is no longer the champion).
 */
public final class Promotion {
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    private final RunContext run;

    public Promotion(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /** Checks an alias name before any permission is asked for it. */
    public static String checkAlias(String alias) {
        if (!ALIAS.matcher(alias).matches() || alias.equals("latest")) {
            throw new UsageException("Invalid alias '" + alias + "': use 1-64 lower-case letters, digits, '_' or '-', starting with a "
                    + "letter (latest is reserved), e.g. champion or staging");
        }
        return alias;
    }

    /**
     * Points {@code alias} at the version {@code reference} names.
     *
     * @param policy the model's release policy, whose champion guard says which alias the gates held it against
     */
    public AliasChange promote(String reference, String alias, String reason, boolean force, ReleasePolicy policy) {
        checkAlias(alias);
        if (reason.isBlank()) {
            throw new UsageException("Empty --reason: say why this version is promoted; it is kept with the alias history");
        }
        return ConflictRetry.standard().run("move " + reference + " to " + alias + " while another run moves it",
                () -> promoteOnce(reference, alias, reason, force, policy));
    }

    private AliasChange promoteOnce(String reference, String alias, String reason, boolean force, ReleasePolicy policy) {
        Registry registry = catalog().read();
        ModelVersion v = registry.resolve(reference);
        Optional<ModelVersion> holder = registry.holder(v.name(), alias);
        if (holder.filter(h -> h.version() == v.version()).isPresent()) {
            throw new UsageException(v.name() + "@" + alias + " already points at " + ModelRef.of(v) + ": nothing to promote");
        }
        Optional<EvaluationRow> gate = latestGate(v);
        Optional<String> problem = gateProblem(v, gate, registry, policy);
        if (problem.isPresent() && !force) {
            throw new GateFailedException("Cannot promote " + ModelRef.of(v) + " to " + alias + ": " + problem.get()
                    + "; a role with model.force may override with --force, audited");
        }
        AliasChange change = new AliasChange(v.name(), alias, registry.changes(v.name(), alias).size() + 1L,
                AliasChange.Action.PROMOTE, v.version(), holder.map(ModelVersion::version), problem.isPresent(), reason.trim(),
                run.actor().name(), run.env().accessPolicy().sha256(), run.id().value(), run.env().clock().instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("alias", alias);
        details.put("previous", holder.map(h -> ModelRef.of(h).toString()).orElse("none"));
        details.put("reason", change.reason());
        details.put("forced", change.forced());
        problem.ifPresent(p -> details.put("override", p));
        gate.ifPresent(g -> details.put("gate_run", g.runId()));
        details.put("policy_sha256", change.policySha256());
        return append(change, "model.promoted", details);
    }

    /** Moves {@code alias} of {@code name} back to the version it pointed at before its current one. */
    public AliasChange rollback(String name, String alias, String reason) {
        checkAlias(alias);
        return ConflictRetry.standard().run("roll back " + name + "@" + alias + " while another run moves it",
                () -> rollbackOnce(name, alias, reason));
    }

    private AliasChange rollbackOnce(String name, String alias, String reason) {
        Registry registry = catalog().read();
        registry.resolve(name);
        Deque<Long> stack = registry.stack(name, alias);
        if (stack.size() < 2) {
            throw new UsageException("Cannot roll back " + name + "@" + alias + ": " + (stack.isEmpty()
                    ? "it points at no version" : "it has pointed only at version " + stack.peek() + ", so there is no earlier holder"));
        }
        List<Long> holders = new ArrayList<>(stack);
        AliasChange change = new AliasChange(name, alias, registry.changes(name, alias).size() + 1L, AliasChange.Action.ROLLBACK,
                holders.get(1), Optional.of(holders.get(0)), false, reason.isBlank() ? "rollback" : reason.trim(), run.actor().name(),
                run.env().accessPolicy().sha256(), run.id().value(), run.env().clock().instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("alias", alias);
        details.put("from", new ModelRef(name, holders.get(0)).toString());
        details.put("to", new ModelRef(name, holders.get(1)).toString());
        details.put("reason", change.reason());
        details.put("policy_sha256", change.policySha256());
        return append(change, "model.rolled_back", details);
    }

    private AliasChange append(AliasChange change, String action, Map<String, Object> details) {
        run.addOutput(new ModelAliases(run.env().store(), run.env().layout().keel(KeelTable.MODEL_ALIASES)).append(change));
        run.audit(action, change.ref().toString(), details);
        return change;
    }

    private Optional<EvaluationRow> latestGate(ModelVersion v) {
        List<EvaluationRow> gates = Evaluations.read(run.env().store().kernel(), run.env().layout(), "gate",
                v.name()).stream().filter(r -> r.model().version() == v.version() && r.slice().equals("all")).toList();
        return gates.isEmpty() ? Optional.empty() : Optional.of(gates.get(gates.size() - 1));
    }

    /** Why the gates do not allow promoting {@code v} now, if they do not. */
    private static Optional<String> gateProblem(ModelVersion v, Optional<EvaluationRow> gate, Registry registry, ReleasePolicy policy) {
        if (gate.isEmpty()) {
            return Optional.of("its gates were never checked (run keel gate " + ModelRef.of(v) + ")");
        }
        if (!gate.get().verdict().orElse("").equals(GateCheck.PASSED)) {
            return Optional.of("it failed its gates in run " + gate.get().runId() + " (keel gate " + ModelRef.of(v) + " lists them)");
        }
        Optional<ModelRef> against = gate.get().baseline();
        Optional<ModelRef> now = policy.gates().champion().flatMap(g -> registry.holder(v.name(), g.alias()))
                .filter(h -> h.version() != v.version()).map(ModelRef::of);
        if (policy.gates().champion().isPresent() && !against.equals(now)) {
            return Optional.of("its gates were checked against " + against.map(ModelRef::toString).orElse("no champion") + " but the "
                    + policy.gates().champion().get().alias() + " is now " + now.map(ModelRef::toString).orElse("none")
                    + " (run keel gate " + ModelRef.of(v) + " again)");
        }
        return Optional.empty();
    }

    private ModelCatalog catalog() {
        return new ModelCatalog(run.env().store().kernel(), run.env().layout());
    }
}
