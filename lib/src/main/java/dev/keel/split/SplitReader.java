package dev.keel.split;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;

/**
 * Reads materialised splits: the rows behind a {@link SplitRef}, the manifests, and their
 * verification. Only split table versions that have a manifest can be read, so training and
 * evaluation only ever see splits that keel wrote and checked.
 */
public final class SplitReader {
    private final DeltaStore store;
    private final LakeLayout layout;
    private final SplitManifests manifests;

    public SplitReader(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.manifests = new SplitManifests(store, layout);
    }

    /** The rows of one split, without the {@code split} column. */
    public Dataset<Row> read(SplitRef ref) {
        SplitManifest manifest = manifests.at(ref.tableVersion()).orElseThrow(() -> new UsageException("No split manifest for "
                + ref.tableVersion() + ": only versions written by 'keel split' can be read; 'keel split show' lists them"));
        manifest.ref(ref.split());
        return store.read(ref.tableVersion()).filter(col(SplitAssigner.SPLIT).equalTo(ref.split())).drop(SplitAssigner.SPLIT);
    }

    /** Every manifest of {@code dataset}, oldest first. */
    public List<SplitManifest> manifests(String dataset) {
        return manifests.of(dataset);
    }

    /**
     * The manifest of split table version {@code version} of {@code dataset}, or of its latest
     * version when empty. Fails with a {@link UsageException} when there is no such version, and
     * with an {@link IntegrityException} when the version exists but keel did not record it.
     */
    public SplitManifest manifest(String dataset, Optional<Long> version) {
        String table = layout.splits(dataset);
        TableVersion latest = store.latest(table).orElseThrow(() -> new UsageException("Dataset '" + dataset
                + "' has no split table at " + table + ": run keel split --dataset " + dataset + " first"));
        TableVersion wanted = new TableVersion(table, version.orElse(latest.version()));
        if (wanted.version() > latest.version()) {
            throw new UsageException("Split table " + table + " has no version " + wanted.version() + ": its latest is "
                    + latest.version());
        }
        return manifests.at(wanted).orElseThrow(() -> new IntegrityException("Version " + wanted.version() + " of " + table
                + " has no split manifest: it was not written by keel split (or its run failed); 'keel split show " + dataset
                + " --all' lists the versions that were"));
    }

    /** Recomputes counts, hashes and leaks of one split table version and compares them with its manifest. */
    public SplitVerification verify(SplitManifest manifest) {
        SplitStatistics recomputed = SplitStatistics.of(store.read(manifest.table()), manifest.spec());
        long sourceRows = store.read(manifest.source()).count();
        List<String> problems = new ArrayList<>(recomputed.differencesFrom(manifest.statistics()));
        if (recomputed.total() != sourceRows) {
            problems.add("rows: " + manifest.table() + " holds " + recomputed.total() + " but its source " + manifest.source()
                    + " has " + sourceRows);
        }
        return new SplitVerification(manifest, recomputed, sourceRows, problems);
    }
}
