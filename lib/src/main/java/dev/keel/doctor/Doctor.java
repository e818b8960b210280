package dev.keel.doctor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.nd4j.linalg.factory.Nd4j;

import dev.keel.access.AccessPolicy;
import dev.keel.access.AccessPolicyParser;
import dev.keel.build.ComponentVersions;
import dev.keel.config.ConfigKeys;
import dev.keel.config.KeelConfig;
import dev.keel.config.LakeConfig;
import dev.keel.config.Locations;
import dev.keel.config.S3Config;
import dev.keel.config.SlurmConfig;
import dev.keel.config.SparkConfig;
import dev.keel.gpu.CudaDevices;
import dev.keel.gpu.GpuBinding;
import dev.keel.error.ExitCode;
import dev.keel.error.UsageException;
import dev.keel.lake.ConditionalS3LogStore;
import dev.keel.lake.HadoopConf;
import dev.keel.lake.StorageErrors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Checks that keel can work here: the Java runtime, the platform versions, the ND4J backend and
 * its devices, that {@code lake.root} is reachable and writable, and, when configured, that the S3
 * endpoint and slurmrestd answer. Starts no SparkSession.
 */
public final class Doctor {
    private static final Pattern SLURM_API = Pattern.compile("/slurm/(v\\d+\\.\\d+\\.\\d+)/");

    private final KeelConfig config;
    private final OkHttpClient http;

    public Doctor(KeelConfig config, Duration timeout) {
        this.config = requireNonNull(config, "config");
        this.http = new OkHttpClient.Builder()
                .connectTimeout(timeout).readTimeout(timeout).callTimeout(timeout.multipliedBy(2))
                .retryOnConnectionFailure(false)
                .build();
    }

    public DoctorReport run() {
        List<Check> checks = new ArrayList<>();
        checks.add(java());
        checks.add(platform());
        checks.add(nd4j());
        checks.add(gpu());
        checks.add(lakeRoot());
        checks.add(s3());
        checks.add(slurm());
        checks.add(access());
        return new DoctorReport(checks);
    }

    private static Check java() {
        int feature = Runtime.version().feature();
        String detail = System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") at "
                + System.getProperty("java.home");
        return feature >= 17 ? Check.ok("java", detail)
                : Check.failed("java", detail + ": keel needs Java 17 or newer", ExitCode.UNEXPECTED);
    }

    private static Check platform() {
        StringBuilder detail = new StringBuilder();
        ComponentVersions.all().forEach((k, v) -> {
            if (!k.equals("Java")) {
                detail.append(detail.length() == 0 ? "" : ", ").append(k).append(' ').append(v);
            }
        });
        return Check.ok("platform", detail.toString());
    }

    private static Check nd4j() {
        try {
            String backend = Nd4j.getBackend().getClass().getSimpleName();
            int devices = Nd4j.getAffinityManager().getNumberOfDevices();
            Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
            StringBuilder detail = new StringBuilder(backend).append(", ").append(devices).append(" device(s)");
            for (String key : List.of("blas.vendor", "omp.threads", "cuda.devicesInformation")) {
                Object value = env.get(key);
                if (value != null) {
                    detail.append(", ").append(key).append('=').append(value);
                }
            }
            String visible = System.getenv("CUDA_VISIBLE_DEVICES");
            if (visible != null) {
                detail.append(", CUDA_VISIBLE_DEVICES=").append(visible);
            }
            return Check.ok("nd4j", detail.toString());
        } catch (RuntimeException | LinkageError e) {
            return Check.failed("nd4j", "the ND4J backend does not load (" + StorageErrors.rootMessage(e)
                    + "): rebuild with the right profile (default CPU, -Pcuda for GPUs) for this machine",
                    ExitCode.UNEXPECTED);
        }
    }

    /** What a training executor started here would bind to, and the Spark GPU scheduling settings. */
    private Check gpu() {
        try {
            GpuBinding binding = GpuBinding.resolve(List.of(), Optional.ofNullable(System.getenv("CUDA_VISIBLE_DEVICES")),
                    CudaDevices.visible());
            Map<String, String> spark = SparkConfig.from(config).settings();
            String amount = spark.get("spark.executor.resource.gpu.amount");
            String scheduling = amount == null ? "Spark GPU scheduling off (spark.executor.resource.gpu.amount unset)"
                    : "Spark gives each executor " + amount + " GPU(s), discovered by "
                            + spark.getOrDefault("spark.executor.resource.gpu.discoveryScript", "the worker's script");
            return Check.ok("gpu", binding.reason() + "; " + scheduling);
        } catch (RuntimeException | LinkageError e) {
            return Check.failed("gpu", "cannot tell which devices training would use (" + StorageErrors.rootMessage(e)
                    + "): check CUDA_VISIBLE_DEVICES and the -Pcuda build", ExitCode.UNEXPECTED);
        }
    }

    private Check lakeRoot() {
        String root = LakeConfig.from(config).root();
        boolean local = Locations.isLocal(root);
        Configuration conf = HadoopConf.of(config);
        Path probe = new Path(Locations.join(root, "_keel", ".doctor-" + UUID.randomUUID()));
        try {
            FileSystem fs = probe.getFileSystem(conf);
            fs.mkdirs(probe.getParent());
            byte[] payload = "keel doctor".getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = fs.create(probe, false)) {
                out.write(payload);
            }
            byte[] back;
            try (InputStream in = fs.open(probe)) {
                back = in.readAllBytes();
            }
            fs.delete(probe, false);
            if (!java.util.Arrays.equals(payload, back)) {
                return Check.failed("lake.root", root + ": a probe file read back different bytes", ExitCode.UNEXPECTED);
            }
            if (fs instanceof S3AFileSystem s3 && !ConditionalS3LogStore.refusesSecondCreate(s3, probe.suffix("-commit"))) {
                return Check.failed("lake.root", root + " is reachable and writable, but its store ignores conditional writes "
                        + "(If-None-Match), so two writers committing one Delta version could both succeed and one commit be lost: "
                        + "use a store that supports them (AWS S3, MinIO) or let only one process write to this lake at a time",
                        ExitCode.USAGE);
            }
            return Check.ok("lake.root", root + " is reachable and writable (" + fs.getScheme()
                    + (fs instanceof S3AFileSystem ? ", conditional writes for concurrent Delta commits" : "") + ")");
        } catch (IOException | RuntimeException e) {
            String source = config.sourceOf(ConfigKeys.LAKE_ROOT.name()).map(s -> s.describe()).orElse("?");
            if (StorageErrors.isUnreachable(e)) {
                return Check.failed("lake.root", root + " does not answer (" + StorageErrors.rootMessage(e)
                        + "): check that the store is up and the s3.* settings", ExitCode.EXTERNAL_UNAVAILABLE);
            }
            if (!local) {
                return Check.failed("lake.root", root + " is not usable (" + StorageErrors.rootMessage(e)
                        + "): check the bucket or path in lake.root (now from " + source + ") and the credentials",
                        ExitCode.USAGE);
            }
            return Check.failed("lake.root", root + " is not writable (" + StorageErrors.rootMessage(e)
                    + "): fix its permissions or set lake.root elsewhere (now from " + source + ")", ExitCode.USAGE);
        }
    }

    private Check s3() {
        S3Config s3 = S3Config.from(config);
        if (s3.endpoint().isEmpty()) {
            return Check.notConfigured("s3", "s3.endpoint is not set (s3a:// paths go to AWS)");
        }
        String endpoint = s3.endpoint().get();
        try (Response response = http.newCall(new Request.Builder().url(endpoint).head().build()).execute()) {
            return Check.ok("s3", endpoint + " answers (HTTP " + response.code() + ")");
        } catch (IOException e) {
            return Check.failed("s3", endpoint + " does not answer (" + StorageErrors.rootMessage(e)
                    + "): start the object store or fix s3.endpoint", ExitCode.EXTERNAL_UNAVAILABLE);
        }
    }

    private Check access() {
        Optional<String> file = config.find(ConfigKeys.ACCESS_POLICY).filter(f -> !f.isBlank());
        if (file.isEmpty()) {
            return Check.notConfigured("access", "access.policy is not set: every action is allowed");
        }
        try {
            AccessPolicy policy = AccessPolicyParser.parse(java.nio.file.Path.of(file.get()));
            return Check.ok("access", policy.file() + " (sha256 " + policy.sha256().substring(0, 12) + "): " + policy.roles().size()
                    + " role(s), everyone holds " + (policy.everyone().isEmpty() ? "none" : String.join(", ", policy.everyone())) + ", "
                    + policy.users().size() + " user(s), " + policy.groups().size() + " group(s)");
        } catch (UsageException e) {
            return Check.failed("access", e.getMessage(), ExitCode.USAGE);
        }
    }

    private Check slurm() {
        SlurmConfig slurm = SlurmConfig.from(config);
        if (slurm.url().isEmpty()) {
            return Check.notConfigured("slurm", "slurm.url is not set");
        }
        String url = slurm.url().get() + "/openapi/v3";
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            String body = response.body() == null ? "" : response.body().string();
            TreeSet<String> versions = new TreeSet<>();
            Matcher m = SLURM_API.matcher(body);
            while (m.find()) {
                versions.add(m.group(1));
            }
            String served = versions.isEmpty() ? "" : ", serves " + String.join(" ", versions);
            String token = slurm.jwt().isPresent() ? ", token configured" : ", no token (set KEEL_SLURM_JWT)";
            return Check.ok("slurm", slurm.url().get() + " answers (HTTP " + response.code() + served + token + ")");
        } catch (IOException e) {
            return Check.failed("slurm", slurm.url().get() + " does not answer (" + StorageErrors.rootMessage(e)
                    + "): start slurmrestd or fix slurm.url", ExitCode.EXTERNAL_UNAVAILABLE);
        }
    }
}
