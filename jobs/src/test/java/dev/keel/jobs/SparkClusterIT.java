package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keel.demo.DigitsDrop;

/**
 * {@code scripts/spark-cluster.sh}: a real Spark standalone master and two worker JVMs on
 * 127.0.0.1. A night of the pipeline on the shipped digits drop (ingest with its injected dirt,
 * quality gate, split, a one-worker training, evaluation, gates, promotion, model card), then
 * {@code keel train --workers 2} (parameter averaging), are submitted to it through spark-submit;
 * the cluster is stopped by PID at the end.
 */
class SparkClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aPipelineNightAndATwoWorkerTrainingRunOnARealStandaloneCluster() throws Exception {
        int port = freePort();
        int ui = freePort();
        Map<String, String> cluster = Map.of("SPARK_CLUSTER_PORT", Integer.toString(port), "SPARK_CLUSTER_UI_PORT", Integer.toString(ui));
        Scripts.Result up = Scripts.run(cluster, "scripts/spark-cluster.sh", "up", "2", "1", "2g");
        Path state = Scripts.HOME.resolve(".keel/spark-cluster-" + port);
        try {
            assertEquals(0, up.exit(), up::toString);
            assertEquals("spark://127.0.0.1:" + port, up.out().trim());
            assertEquals(2, master(ui).get("aliveworkers").asInt());
            Scripts.Result again = Scripts.run(cluster, "scripts/spark-cluster.sh", "up", "2", "1", "2g");
            assertEquals(0, again.exit(), "up is idempotent: " + again);
            assertEquals(3, pids(state).size(), "still one master and two workers");
            Scripts.Result other = Scripts.run(cluster, "scripts/spark-cluster.sh", "up", "2", "1", "3g");
            assertEquals(2, other.exit(), other::toString);
            assertEquals("spark-cluster: a cluster on port " + port + " is up with 2 worker(s) of 1 core(s) and 2g, not 2 worker(s) of "
                    + "1 core(s) and 3g: run 'scripts/spark-cluster.sh down' first", other.err().trim());

            String sparkHome = Scripts.run(Map.of(), "scripts/spark-home.sh").out().trim();
            Path lake = dir.resolve("lakehouse");
            DigitsDrop.shipped().write(new Configuration(), lake.resolve("raw/digits").toString());
            Path spec = Scripts.shortSpec(dir.resolve("digits-short.yaml"), 3);
            Path release = Scripts.gentleRelease(dir);
            Path config = dir.resolve("cluster.properties");
            Files.writeString(config, String.join("\n", "pipeline.name = cluster", "ingest.contract = digits",
                    "ingest.source = ${lake.root}/raw/digits", "quality.max_quarantined = 0.06", "split.stratify = label",
                    "train.spec = " + spec, "promote.to = staging", "report.dir = " + dir.resolve("reports"), ""));
            Map<String, String> submit = Map.of("SPARK_HOME", sparkHome, "KEEL_LAKE_ROOT", lake.toString(),
                    "KEEL_RELEASE_DIR", release.toString(),
                    "KEEL_SPARK_SUBMIT_OPTS", "--master spark://127.0.0.1:" + port + " --executor-memory 1500m");
            Scripts.Result night = Scripts.run(submit, "scripts/keel", "pipeline", "--config", config.toString());
            assertEquals(0, night.exit(), night::toString);
            assertTrue(night.out().contains("5 new file(s), 1706 clean row(s), 91 quarantined: digits version 0"), night.out());
            assertTrue(night.out().contains("digits-mlp@1 trained 3 epoch(s)") && night.out().contains("digits-mlp@1 promoted to staging"),
                    night.out());
            assertTrue(Files.exists(dir.resolve("reports/digits-mlp-1/index.html")), "the model card is written");

            Scripts.Result train = Scripts.run(submit, "scripts/keel", "--json", "train", "--spec", "conf/models/digits-mlp.yaml",
                    "--split", "digits@0", "--workers", "2", "--averaging-frequency", "5");
            assertEquals(0, train.exit(), train::toString);
            JsonNode result = JSON.readTree(train.out());
            assertEquals(2, result.get("model").get("workers").asInt());
            double accuracy = result.get("test").get("values").get("accuracy").asDouble();
            assertTrue(accuracy >= 0.95, "2-worker test accuracy on the cluster " + accuracy);
            assertTrue(train.err().contains("2 workers averaging every 5 minibatch(es)"), train.err());
            List<Double> epochSeconds = new ArrayList<>();
            result.get("history").forEach(e -> epochSeconds.add(e.get("seconds").asDouble()));
            System.out.printf("standalone cluster, 2 workers: %d epochs, seconds per epoch %s, test accuracy %.4f%n",
                    epochSeconds.size(), epochSeconds, accuracy);

            JsonNode apps = master(ui).get("completedapps");
            assertEquals(2, apps.size(), "the pipeline night and the training ran as applications of this master: " + apps);
            apps.forEach(app -> assertEquals(2, app.get("cores").asInt(), "each used both workers' cores: " + app));
            assertEquals(2, result.get("model").get("version").asInt(), "the night registered version 1 with one worker");
            String manifest = Files.readString(Path.of(result.get("model").get("artifact").asText(), "manifest.json"));
            assertTrue(manifest.contains("\"workers\" : 2"), manifest);
        } finally {
            List<Long> started = pids(state);
            Scripts.Result down = Scripts.run(cluster, "scripts/spark-cluster.sh", "down");
            assertEquals(0, down.exit(), down::toString);
            assertTrue(down.out().contains("stopped master"), down.out());
            for (long pid : started) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " was stopped");
            }
        }
        Scripts.Result status = Scripts.run(cluster, "scripts/spark-cluster.sh", "status");
        assertEquals(1, status.exit(), status::toString);
    }

    @Test
    void badArgumentsAreOneLineWithExitTwo() throws Exception {
        Scripts.Result bad = Scripts.run(Map.of("SPARK_CLUSTER_PORT", Integer.toString(freePort())), "scripts/spark-cluster.sh", "up",
                "two");
        assertEquals(2, bad.exit());
        assertEquals("spark-cluster: invalid WORKERS 'two': give a whole number of 1 or more", bad.err().trim());
        Scripts.Result memory = Scripts.run(Map.of(), "scripts/spark-cluster.sh", "up", "1", "1", "lots");
        assertEquals(2, memory.exit());
        assertTrue(memory.err().startsWith("spark-cluster: invalid MEMORY 'lots'"), memory.err());
    }

    private static List<Long> pids(Path state) throws Exception {
        List<Long> pids = new ArrayList<>();
        if (Files.isDirectory(state)) {
            try (var files = Files.list(state)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                    pids.add(Long.parseLong(Files.readString(f).trim()));
                }
            }
        }
        return pids;
    }

    private static JsonNode master(int ui) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
