package dev.keel.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.UsageException;

/** Rendered templates keep sbatch's header first and no parameter value can run as shell; TRES metering. */
class SbatchTemplateTest {
    @Test
    void noParameterValueRunsAsShell(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("injected");
        String hostile = "x'; touch " + marker + "; echo '$(touch " + marker + ")`touch " + marker + "`\n\"$HOME\" \\ %";
        SbatchTemplate template = SbatchTemplate.read(Path.of("..", "slurm", "train.sbatch"));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("KEEL_SPEC", hostile);
        parameters.put("KEEL_SPLIT", "digits@0");
        String script = template.render(parameters);

        List<String> lines = script.lines().toList();
        int lastDirective = 0;
        int firstExport = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#SBATCH")) {
                lastDirective = i;
            }
            if (firstExport < 0 && lines.get(i).startsWith("export KEEL_SPEC=")) {
                firstExport = i;
            }
        }
        assertTrue(firstExport > lastDirective, "sbatch stops reading #SBATCH at the first command");
        SbatchTemplate probe = new SbatchTemplate("probe", "#!/bin/bash\n#SBATCH --job-name=probe\nset -eu\nprintf '%s' \"$KEEL_SPEC\" > "
                + dir.resolve("value") + "\n");
        Path rendered = dir.resolve("probe.sh");
        Files.writeString(rendered, probe.render(Map.of("KEEL_SPEC", hostile)));
        Process bash = new ProcessBuilder("bash", rendered.toString()).redirectErrorStream(true).start();
        assertEquals(0, bash.waitFor(), new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(hostile, Files.readString(dir.resolve("value")), "the value arrives exactly");
        assertFalse(Files.exists(marker), "and nothing in it ran");
        assertThrows(UsageException.class, () -> SbatchTemplate.quote("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> template.render(Map.of("lower-case", "x")));
    }

    @Test
    void computeIsMeteredFromTheAllocation() {
        JobStatus job = new JobStatus(42, "keel-train-digits-mlp", "alice", "gpu", JobState.COMPLETED, "", Optional.of(ExitStatus.SUCCESS),
                "n[1-2]", Optional.of(Instant.parse("2026-11-23T10:00:00Z")), Optional.of(Instant.parse("2026-11-23T10:00:00Z")),
                Optional.of(Instant.parse("2026-11-23T11:30:00Z")), "cpu=16,mem=64G,node=2,billing=16,gres/gpu=4", "", "", Optional.empty(),
                Optional.empty(), 0);
        ComputeUsage usage = ComputeUsage.of(job, "r1", "train", "digits-mlp", Utilisation.NONE);
        assertEquals(2, usage.nodes());
        assertEquals(16, usage.cpus());
        assertEquals(4, usage.gpus());
        assertEquals(6.0, usage.gpuHours(), 1e-12, "4 GPUs for 1.5 hours");
        assertEquals(24.0, usage.cpuHours(), 1e-12);
    }

    @Test
    void utilisationIsAveragedOverEveryNodesSamples(@TempDir Path dir) throws Exception {
        assertEquals(Utilisation.NONE, Utilisation.read(dir.resolve("absent")));
        Files.writeString(dir.resolve("utilisation-n1.tsv"), "1700000000\t0.5000\t0.9000\t2048\n1700000015\t0.7000\t0.7000\t3072\n");
        Files.writeString(dir.resolve("utilisation-n2.tsv"), "1700000000\t0.3000\t\t1024\ntruncated\n");
        Utilisation u = Utilisation.read(dir);
        assertEquals(3, u.samples());
        assertEquals(0.5, u.cpu().orElseThrow(), 1e-9, "(0.5 + 0.7 + 0.3) / 3");
        assertEquals(0.8, u.gpu().orElseThrow(), 1e-9, "only the samples that had GPUs");
        assertEquals(3072L, u.peakMemoryMb().orElseThrow());
        assertEquals("nvidia-smi", u.source());
        Files.writeString(dir.resolve("utilisation-n1.tsv"), "1700000000\t0.2500\t\t512\n");
        Files.delete(dir.resolve("utilisation-n2.tsv"));
        assertEquals("/proc", Utilisation.read(dir).source());
        assertTrue(Utilisation.read(dir).gpu().isEmpty());
    }
}
