package dev.keel.jobs;

import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.registry.AliasChange;
import dev.keel.release.Promotion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel rollback}: moves an alias back to the version it pointed at before. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Move an alias back to its previous holder (needs model.promote.ALIAS); audited.")
final class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Parameters(paramLabel = "NAME", description = "The model, e.g. digits-mlp.")
    String name;

    @Option(names = "--alias", required = true, paramLabel = "ALIAS", description = "The alias to move back, e.g. champion.")
    String alias;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "Why; kept with the alias history.")
    String reason;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        Promotion.checkAlias(alias);
        AliasChange c = cli.run("rollback", Access.to(name + "@" + alias, Permissions.promote(alias)),
                run -> new Promotion(run).rollback(name, alias, reason));
        if (cli.json()) {
            cli.printJson(c);
        } else {
            cli.out().printf("%s@%s -> %d (rolled back from %d), by %s%n", c.name(), c.alias(), c.version(),
                    c.previousVersion().orElseThrow(), c.actor());
        }
        return 0;
    }
}
