package dev.replicagroup.replica.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable replicas as real processes of the packaged jar: the primary SIGKILLed during writes and restarted with
 * the same --data-dir holds every acknowledged write; a helper SIGKILLed and restarted catches up by log suffix.
 */
class DurableProcessIT {
    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final String TOKEN = "it-token";
    static final ClientOptions CLIENT =
            new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(7), Duration.ofSeconds(1));

    @TempDir
    Path dirs;

    final List<Process> processes = new ArrayList<>();
    final Map<Integer, Integer> httpPorts = new HashMap<>();
    final AdminClient admin = new AdminClient(TOKEN, Duration.ofSeconds(3));

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        admin.close();
    }

    /** A replica on {@code port} with its own data directory; the same port means the same directory. */
    Process replica(String name, int port, String... args) throws IOException {
        // A new metrics port for each start: the old one may have been taken meanwhile (as an ephemeral port of
        // any connection on the machine), which failed the restarted helper's start once in CI.
        int http = FreePorts.next();
        httpPorts.put(port, http);
        List<String> command = new ArrayList<>(List.of(
                "java",
                "-jar",
                JAR.toString(),
                "serve",
                "--port",
                "" + port,
                "--http-port",
                "" + http,
                "--data-dir",
                dirs.resolve("r" + port).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "durable-" + name + ".log").toFile());
        builder.environment().put("REPLICA_ADMIN_TOKEN", TOKEN);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    NodeStatus statusOf(String address) {
        try {
            return admin.status(address);
        } catch (ReplicaException e) {
            return null;
        }
    }

    static void sigkill(Process process) throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    String metrics(int port) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(port) + "/q/metrics"))
                                .build(),
                        BodyHandlers.ofString())
                .body();
    }

    @Test
    void sigkilledPrimaryRestartsWithEveryAcknowledgedWriteAndAHelperCatchesUpBySuffix() throws Exception {
        int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
        List<String> all = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        Process primary = replica("r0", ports[0]);
        await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(all.get(0)) != null);
        replica("r1", ports[1], "--tbc", all.get(0));
        Process helper = replica("r2", ports[2], "--tbc", all.get(0));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> all.stream().map(this::statusOf).allMatch(s -> s != null && s.caughtUp()));

        LoadGenerator.Running running = new LoadGenerator(all, CLIENT, 4, false).start();
        Thread.sleep(2000);
        sigkill(primary);
        Thread.sleep(500);
        LoadReport done = running.stop();
        assertTrue(done.ok() > 0, done.summary());

        replica("r0-again", ports[0]);
        await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(all.get(0)) != null);
        NodeStatus back = statusOf(all.get(0));
        assertEquals(Role.FENCED, back.role(), "with data it waits to be promoted");
        assertEquals(1, back.term());
        String log = Files.readString(Path.of("target", "durable-r0-again.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("starts FENCED in term 1"), log);
        admin.promote(all.get(0), 2, 0);
        assertEquals(List.of(), LoadGenerator.lostWrites(List.of(all.get(0)), CLIENT, done.acknowledged()));

        sigkill(helper);
        LoadGenerator.Running writes = new LoadGenerator(all.subList(0, 2), CLIENT, 4, false).start();
        Thread.sleep(1000);
        LoadReport more = writes.stop();
        assertTrue(more.ok() > 0, more.summary());
        replica("r2-again", ports[2], "--tbc", all.get(0));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            NodeStatus h = statusOf(all.get(2));
            NodeStatus p = statusOf(all.get(0));
            return h != null && p != null && h.role() == Role.HELPER && h.last().equals(p.last());
        });
        String metrics = metrics(ports[2]);
        assertTrue(metrics.contains("replica_snapshots_installed 0.0"), "caught up by suffix: " + metrics);
        assertEquals(List.of(), LoadGenerator.lostWrites(all, CLIENT, more.acknowledged()));
    }
}
