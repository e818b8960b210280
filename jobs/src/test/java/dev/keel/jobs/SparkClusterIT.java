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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code scripts/spark-cluster.sh}: a real Spark standalone master and two worker JVMs on
 * 127.0.0.1. The demo (two nights of the pipeline, one-worker trainings), then {@code keel train
 * --workers 2} (parameter averaging), are submitted to it through spark-submit; the cluster is
 * stopped by PID at the end.
 */
class SparkClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theDemoDataAndATwoWorkerTrainingRunOnARealStandaloneCluster() throws Exception {
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
            Map<String, String> submit = Map.of("SPARK_HOME", sparkHome, "KEEL_LAKE_ROOT", lake.toString(),
                    "KEEL_QUALITY_CONTRACTS_DIR", Scripts.HOME.resolve("conf/contracts").toString(),
                    "KEEL_SPARK_SUBMIT_OPTS", "--master spark://127.0.0.1:" + port + " --executor-memory 1500m");
            Scripts.Result demo = Scripts.run(submit, "scripts/keel", "demo");
            assertEquals(0, demo.exit(), demo::toString);
            assertTrue(demo.out().contains("every injected fault was caught: 91 row(s) quarantined")
                    && demo.out().contains("digits-mlp@1 promoted to champion"), demo.out());
            assertTrue(demo.out().contains(" digits-mlp@2 trained "), demo.out());

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
            assertEquals(2, apps.size(), "the demo and the training ran as applications of this master: " + apps);
            apps.forEach(app -> assertEquals(2, app.get("cores").asInt(), "each used both workers' cores: " + app));
            assertEquals(3, result.get("model").get("version").asInt(), "the demo's two nights registered versions 1 and 2 with one worker");
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
