package dev.replicagroup.replica.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ManualFailover;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.load.HistoryFile;
import dev.replicagroup.replica.load.LinearizabilityCheck;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `load` in process against real replicas on loopback: its exit code and what it prints. */
class LoadCommandTest {
    final List<ReplicaServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(ReplicaServer::close);
    }

    ReplicaServer start(String tbc) throws IOException {
        ReplicaServer server = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), tbc, 1, "t"));
        servers.add(server);
        return server;
    }

    /** Runs `load` with System.out captured; returns the exit code and the output. */
    private static String[] load(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = ReplicaCommand.commandLine(CommandLine.defaultFactory()).execute(args);
            return new String[] {Integer.toString(exit), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
        }
    }

    @Test
    void healthyRunReadsAndWritesAndExitsZero(@TempDir Path dir) throws Exception {
        ReplicaServer primary = start("");
        start(primary.address());
        // A load reads only keys already acknowledged; the JVM's first write (class loading, connections) can take
        // most of a 2 s run on a busy machine, leaving no time for a read. Made here, it costs the run nothing.
        try (ReplicaClient warm = ReplicaClient.connect(List.of(primary.address()))) {
            warm.put("warm-up", new byte[] {1});
        }
        Path history = dir.resolve("history.jsonl");
        String[] result = load(
                "load",
                "-s",
                primary.address(),
                "--clients",
                "2",
                "--duration",
                "2",
                "--read-ratio",
                "0.5",
                "--history",
                history.toString());
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("no stale read") && result[1].contains("verified: all"), result[1]);
        List<String> lines = Files.readAllLines(history);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"op\":\"read\"")), "reads are in the history");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"op\":\"write\"")), "writes are in the history");
    }

    @Test
    void registerWorkloadChecksItsHistoryForLinearizability(@TempDir Path dir) throws Exception {
        ReplicaServer primary = start("");
        start(primary.address());
        Path history = dir.resolve("registers.jsonl");
        String[] result = load(
                "load",
                "-s",
                primary.address(),
                "--workload",
                "register",
                "--keys",
                "3",
                "--clients",
                "3",
                "--duration",
                "2",
                "--history",
                history.toString());
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("linearizable: ") && result[1].contains("on 3 keys"), result[1]);
        List<String> lines = Files.readAllLines(history);
        assertEquals(
                3,
                lines.stream().filter(l -> l.startsWith("{\"client\":-1,")).count(),
                "each key read back once at the end");
        assertTrue(lines.stream().allMatch(l -> l.contains("\"outcome\":\"ok\"")), "a healthy run: all ok");
    }

    /**
     * The register workload across a failover (primary closed, the manual failover promotes a helper): writes in
     * flight end unknown or are retried to the new primary with their id, and the history, with each key read
     * back from the new primary, is linearizable.
     */
    @Test
    void registerHistoryAcrossAFailoverIsLinearizable(@TempDir Path dir) throws Exception {
        ReplicaServer primary = start("");
        ReplicaServer helper = start(primary.address());
        ReplicaServer other = start(primary.address());
        List<String> all = List.of(primary.address(), helper.address(), other.address());
        ClientOptions client = new ClientOptions(Duration.ofSeconds(20), Duration.ofMillis(700), Duration.ofSeconds(1));
        LoadGenerator.Running running =
                LoadGenerator.registers(all, client, 3, 0.5, 3).start();
        Thread.sleep(800);
        primary.close();
        ManualFailover.Outcome outcome;
        try (AdminClient admin = new AdminClient("t", Duration.ofSeconds(3))) {
            outcome = new ManualFailover(admin, line -> {}).run(all, 1);
        }
        Thread.sleep(800);
        LoadReport report = LoadGenerator.readBack(List.of(outcome.newPrimary()), client, running.stop());
        assertTrue(report.ok() > 0 && report.reads() > 0, report.summary());
        Path history = dir.resolve("failover.jsonl");
        HistoryFile.write(history, report.history());
        LinearizabilityCheck.Result result = LinearizabilityCheck.find().check(history, Duration.ofMinutes(1));
        assertTrue(result.linearizable(), result.output());
    }

    @Test
    void verifyIsOnByDefaultAndNoVerifyTurnsItOff() {
        LoadCommand byDefault = new LoadCommand();
        new CommandLine(byDefault).parseArgs("-s", "127.0.0.1:1");
        assertTrue(byDefault.verify);
        LoadCommand off = new LoadCommand();
        new CommandLine(off).parseArgs("-s", "127.0.0.1:1", "--no-verify");
        assertFalse(off.verify);
    }

    /** --no-verify reads nothing back; --warmup's writes are neither counted nor in the history. */
    @Test
    void noVerifyAndWarmupRunWithoutTheirWritesCounted(@TempDir Path dir) throws Exception {
        ReplicaServer primary = start("");
        start(primary.address());
        Path history = dir.resolve("history.jsonl");
        String[] result = load(
                "load",
                "-s",
                primary.address(),
                "--clients",
                "2",
                "--warmup",
                "1",
                "--duration",
                "1",
                "--read-ratio",
                "0",
                "--no-verify",
                "--history",
                history.toString());
        assertEquals("0", result[0], result[1]);
        assertFalse(result[1].contains("verified"), result[1]);
        assertTrue(result[1].matches("(?s)writes: [1-9]\\d* ok, 0 errors in 1\\.\\d s.*"), result[1]);
        List<String> lines = Files.readAllLines(history);
        assertFalse(lines.isEmpty());
        assertTrue(lines.stream().noneMatch(l -> l.contains("warmup")), "no warm-up write in the history");
    }

    @Test
    void anUnknownWorkloadIsRefusedWithTheChoices() {
        String[] result = load("load", "-s", "127.0.0.1:1", "--workload", "bank");
        assertEquals("2", result[0], result[1]);
    }

    /** The primary dies for good a second in: no write is acknowledged to the end, which is an outage. */
    @Test
    void runEndingInAnOutageExitsOne() throws Exception {
        ReplicaServer primary = start("");
        start(primary.address());
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            primary.close();
        });
        killer.start();
        String[] result = load(
                "load",
                "-s",
                primary.address(),
                "--clients",
                "2",
                "--duration",
                "4",
                "--outage-ms",
                "2000",
                "--timeout",
                "1",
                "--no-verify");
        killer.join();
        assertEquals("1", result[0], result[1]);
        assertTrue(result[1].contains("OUTAGE"), result[1]);
    }
}
