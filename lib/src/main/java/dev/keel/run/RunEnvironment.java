package dev.keel.run;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;

import dev.keel.access.AccessPolicy;
import dev.keel.access.AccessPolicyParser;
import dev.keel.audit.AnchorStore;
import dev.keel.audit.AuditTrail;
import dev.keel.build.BuildInfo;
import dev.keel.config.AuditConfig;
import dev.keel.config.ConfigKeys;
import dev.keel.config.KeelConfig;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;

/**
 * Everything a run needs from its surroundings, built once per process by the job entry point
 * and passed down (no global state).
 *
 * @param spark the session
 * @param config the effective configuration
 * @param layout where tables live
 * @param build the running code's identity
 * @param actor who is acting
 * @param host the driver's host name
 * @param slurmJobId {@code SLURM_JOB_ID} when running inside a Slurm job
 * @param progress where progress lines go
 * @param clock the time source
 */
public record RunEnvironment(
        SparkSession spark,
        KeelConfig config,
        LakeLayout layout,
        BuildInfo build,
        Actor actor,
        String host,
        Optional<String> slurmJobId,
        Progress progress,
        Clock clock) {

    public RunEnvironment {
        requireNonNull(spark, "spark");
        requireNonNull(config, "config");
        requireNonNull(layout, "layout");
        requireNonNull(build, "build");
        requireNonNull(actor, "actor");
        requireNonNull(host, "host");
        requireNonNull(slurmJobId, "slurmJobId");
        requireNonNull(progress, "progress");
        requireNonNull(clock, "clock");
    }

    /** The access policy {@code access.policy} names, read now; {@link AccessPolicy#OPEN} when none is configured. */
    public AccessPolicy accessPolicy() {
        return config.find(ConfigKeys.ACCESS_POLICY).filter(p -> !p.isBlank())
                .map(p -> AccessPolicyParser.parse(Path.of(p))).orElse(AccessPolicy.OPEN);
    }

    public DeltaStore store() {
        return new DeltaStore(spark);
    }

    public RunStore runs() {
        return new RunStore(store(), layout);
    }

    public AuditTrail audit() {
        AnchorStore anchors = new AnchorStore(spark.sparkContext().hadoopConfiguration(), AuditConfig.from(config).anchorDir());
        return new AuditTrail(store(), layout.keel(KeelTable.AUDIT), anchors, clock);
    }
}
