package dev.replicagroup.replica.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's story with real processes of the packaged jar: three replicas started by hand as the seed
 * describes, a load, the primary killed with SIGKILL, {@code failover} run from the CLI, the load going on with
 * no acknowledged write lost, and the old primary restarted with --tbc rejoining as a helper.
 */
class ReplicaProcessIT {
    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final String TOKEN = "it-token";
    static final ClientOptions CLIENT =
            new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(7), Duration.ofSeconds(1));

    final List<Process> processes = new ArrayList<>();
    final AdminClient admin = new AdminClient(TOKEN, Duration.ofSeconds(3));

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        admin.close();
    }

    Process replica(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path log = Path.of("target", name + ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("REPLICA_ADMIN_TOKEN", TOKEN);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    String run(String... args) throws Exception {
        Process p = replica("cli-" + args[0], args);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "command finished");
        String out = Files.readString(Path.of("target", "cli-" + args[0] + ".log"), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /**
     * Waits until the primary at {@code address} has committed {@code entries} more than now: the load (the only
     * writer) is making progress there. Generous, as processes on a busy machine are slow: progress is checked,
     * never a rate.
     */
    void awaitProgress(String address, long entries) {
        long from = Objects.requireNonNull(statusOf(address), address + " does not answer")
                .commitSeq();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            NodeStatus now = statusOf(address);
            return now != null && now.commitSeq() >= from + entries;
        });
    }

    NodeStatus statusOf(String address) {
        try {
            return admin.status(address);
        } catch (ReplicaException e) {
            return null;
        }
    }

    @Test
    void killPrimaryRunFailoverAndLoseNothing() throws Exception {
        int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
        List<String> all = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        int metricsPort = FreePorts.next();
        Process primary = replica("r0", "serve", "--port", "" + ports[0], "--http-port", "" + metricsPort);
        await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(all.get(0)) != null);
        for (int i = 1; i < 3; i++) {
            replica(
                    "r" + i,
                    "serve",
                    "--port",
                    "" + ports[i],
                    "--tbc",
                    all.get(0),
                    "--http-port",
                    "" + FreePorts.next());
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> all.stream().map(this::statusOf).allMatch(s -> s != null && s.caughtUp()));
        assertTrue(run("put", "hello", "world", "--server", all.get(1)).contains("OK term=1"));
        assertEquals("hello\tworld\n", run("get", "hello", "--server", all.get(2)));
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/q/metrics"))
                                .build(),
                        BodyHandlers.ofString())
                .body();
        assertTrue(metrics.contains("replica_role{role=\"primary\"} 1.0"), metrics);
        assertTrue(metrics.contains("replica_requests_total{result=\"ok\",type=\"put\"} 1.0"), metrics);
        assertTrue(metrics.contains("replica_helper_lag{helper=\"" + all.get(1) + "\"}"), metrics);

        LoadGenerator load = new LoadGenerator(all, CLIENT, 4, false);
        LoadGenerator.Running running = load.start();
        awaitProgress(all.get(0), 100);
        primary.destroyForcibly().waitFor();
        String failover = run("failover", "--server", String.join(",", all));
        assertTrue(failover.contains("new primary"), failover);
        String newPrimary = all.stream()
                .filter(a -> {
                    NodeStatus s = statusOf(a);
                    return s != null && s.role() == Role.PRIMARY;
                })
                .findFirst()
                .orElseThrow();
        // Fails if the load does not move to the new primary: writes must resume, not merely not be lost.
        awaitProgress(newPrimary, 100);
        LoadReport done = running.stop();
        assertFalse(done.acknowledged().isEmpty(), "a lost-write check of nothing proves nothing: " + done.summary());
        assertEquals(List.of(), LoadGenerator.lostWrites(all, CLIENT, done.acknowledged()));

        replica(
                "r0-again",
                "serve",
                "--port",
                "" + ports[0],
                "--tbc",
                newPrimary,
                "--http-port",
                "" + FreePorts.next());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            NodeStatus s = statusOf(all.get(0));
            return s != null && s.role() == Role.HELPER && s.caughtUp() && s.term() == 2;
        });
        assertEquals("hello\tworld\n", run("get", "hello", "--server", all.get(0)));
    }
}
