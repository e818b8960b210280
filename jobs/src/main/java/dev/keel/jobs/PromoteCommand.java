package dev.keel.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.registry.AliasChange;
import dev.keel.release.Promotion;
import dev.keel.release.ReleasePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel promote}: points an alias at a version whose gates passed. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Point an alias (champion, staging, ...) at a model version. Needs model.promote.ALIAS and passed",
            "gates (keel gate); --force needs model.force too and is recorded. Kept in _keel/model_aliases; audited."})
final class PromoteCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Parameters(paramLabel = "MODEL", description = "The version, e.g. digits-mlp@2 or digits-mlp@staging.")
    String reference;

    @Option(names = "--alias", required = true, paramLabel = "ALIAS", description = "The alias to move, e.g. champion.")
    String alias;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; kept with the alias history.")
    String reason;

    @Option(names = "--force", description = "Promote even though the gates did not pass (needs model.force).")
    boolean force;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        Promotion.checkAlias(alias);
        ReleasePolicy policy = cli.releasePolicy(reference);
        List<String> permissions = new ArrayList<>(List.of(Permissions.promote(alias)));
        if (force) {
            permissions.add(Permissions.MODEL_FORCE);
        }
        AliasChange c = cli.run("promote", new Access(reference, permissions),
                run -> new Promotion(run).promote(reference, alias, reason, force, policy));
        if (cli.json()) {
            cli.printJson(c);
        } else {
            cli.out().printf("%s@%s -> %d%s (was %s), by %s%s%n", c.name(), c.alias(), c.version(), c.forced() ? " FORCED past its gates" : "",
                    c.previousVersion().map(String::valueOf).orElse("unset"), c.actor(), ", recorded in _keel/model_aliases");
        }
        return 0;
    }
}
