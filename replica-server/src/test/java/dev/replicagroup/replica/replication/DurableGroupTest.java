package dev.replicagroup.replica.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.server.StorageOptions;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.storage.FsyncPolicy;
import dev.replicagroup.replica.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas with a data directory, in one JVM on loopback: crashed and restarted with what they made durable. */
class DurableGroupTest {
    static final String TOKEN = "test-token";
    static final ClientOptions CLIENT =
            new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(3), Duration.ofSeconds(1));

    @TempDir
    Path dirs;

    final List<ReplicaServer> servers = new ArrayList<>();
    final AdminClient admin = new AdminClient(TOKEN, Duration.ofSeconds(3));

    @AfterEach
    void stop() {
        servers.forEach(ReplicaServer::close);
        admin.close();
    }

    ReplicaServer start(int port, String tbc, boolean noBootstrap) throws IOException {
        return start(port, tbc, noBootstrap, StorageOptions.DEFAULT_SNAPSHOT_EVERY);
    }

    ReplicaServer start(int port, String tbc, boolean noBootstrap, long snapshotEvery) throws IOException {
        ServerOptions options = ServerOptions.loopback(port, tbc, 1, TOKEN)
                .withStorage(new StorageOptions(dir(port), FsyncPolicy.BATCH, snapshotEvery), noBootstrap);
        ReplicaServer server = ReplicaServer.start(options);
        servers.add(server);
        return server;
    }

    /** As a SIGKILL: the process is gone at once; only what it made durable is left. */
    void kill(ReplicaServer server) {
        servers.remove(server);
        server.close();
    }

    Path dir(int port) {
        return dirs.resolve("r" + port);
    }

    static int port(ReplicaServer server) {
        return Integer.parseInt(server.address().split(":", -1)[1]);
    }

    LoadReport load(List<ReplicaServer> group, long millis) throws Exception {
        LoadGenerator.Running running =
                new LoadGenerator(group.stream().map(ReplicaServer::address).toList(), CLIENT, 4, false).start();
        Thread.sleep(millis);
        return running.stop();
    }

    @Test
    void aPrimaryRestartedWithItsDataIsFencedUntilPromotedAndLosesNoAcknowledgedWrite() throws Exception {
        ReplicaServer primary = start(FreePorts.next(), "", false);
        ReplicaServer helper = start(FreePorts.next(), primary.address(), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> helper.node().view().caughtUp());
        LoadReport done = load(List.of(primary, helper), 1500);
        // Progress is what counts here, not speed: this machine's fsyncs compete with other builds.
        assertTrue(done.ok() > 0, done.summary());
        LogPosition last = primary.node().view().last();
        kill(primary);

        ReplicaServer back = start(port(primary), "", false);
        NodeStatus status = admin.status(back.address());
        assertEquals(Role.FENCED, status.role(), "with data it never starts as primary on its own");
        assertEquals(1, status.term());
        assertEquals(last, status.last(), "its whole log came back");
        assertTrue(status.caughtUp());

        admin.promote(back.address(), 2, 0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> back.node().view().timing().serving());
        assertEquals(List.of(), LoadGenerator.lostWrites(List.of(back.address()), CLIENT, done.acknowledged()));
    }

    @Test
    void aHelperRestartedWithItsDataCatchesUpByLogSuffix() throws Exception {
        ReplicaServer primary = start(FreePorts.next(), "", false);
        ReplicaServer h1 = start(FreePorts.next(), primary.address(), false);
        ReplicaServer h2 = start(FreePorts.next(), primary.address(), false);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h1.node().view().caughtUp() && h2.node().view().caughtUp());
        load(List.of(primary, h1, h2), 800);
        kill(h1);
        LoadReport later = load(List.of(primary, h2), 1500);
        assertTrue(later.ok() > 0, "entries " + h1.address() + " missed: " + later.summary());

        ReplicaServer back = start(port(h1), primary.address(), false);
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        back.node().view().last().equals(primary.node().view().last()));
        assertEquals(Role.HELPER, back.node().view().role());
        assertEquals(0, back.node().snapshotsInstalled(), "it caught up by the log suffix it missed, no snapshot");
    }

    /**
     * A primary whose log was compacted (--snapshot-every 16), restarted from its data: its log now starts at its
     * snapshot, so a new, empty helper cannot be sent the log from the start and must install the snapshot over the
     * peer service. Fails if the snapshot path was not taken (no snapshot installed), if the snapshot lost a key,
     * a value or a delete on the way, or if the helper does not follow the writes after it (with --sync-acks 1 and
     * no other helper, they cannot be acknowledged without it).
     */
    @Test
    void aNewHelperOfAPrimaryWhoseLogWasCompactedCatchesUpBySnapshotOverGrpc() throws Exception {
        ReplicaServer primary = start(FreePorts.next(), "", false, 16);
        ReplicaServer helper = start(FreePorts.next(), primary.address(), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> helper.node().view().caughtUp());
        List<String> keys = IntStream.range(0, 100).mapToObj(i -> "k" + i).toList();
        try (ReplicaClient client = ReplicaClient.connect(List.of(primary.address()), CLIENT)) {
            for (String key : keys) {
                client.put(key, ("v-" + key).getBytes(StandardCharsets.UTF_8));
            }
            for (String key : keys.subList(0, 10)) {
                client.delete(key);
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> newestSnapshotSeq(dir(port(primary))) >= 64);
        kill(helper);
        kill(primary);

        ReplicaServer back = start(port(primary), "", false, 16);
        admin.promote(back.address(), 2, 0);
        ReplicaServer joiner = start(FreePorts.next(), back.address(), false);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> joiner.node().view().caughtUp()
                        && joiner.node().view().last().equals(back.node().view().last()));
        assertTrue(joiner.node().snapshotsInstalled() >= 1, "the log it needed was compacted: only a snapshot has it");
        assertEquals(values(back, keys), values(joiner, keys), "every key, value and delete came with the snapshot");
        assertEquals(
                90, values(joiner, keys).stream().filter(Optional::isPresent).count());

        List<String> later = IntStream.range(0, 20).mapToObj(i -> "later" + i).toList();
        try (ReplicaClient client = ReplicaClient.connect(List.of(back.address()), CLIENT)) {
            for (String key : later) {
                client.put(key, ("v-" + key).getBytes(StandardCharsets.UTF_8));
            }
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        joiner.node().view().appliedSeq() == back.node().view().commitSeq());
        assertEquals(values(back, later), values(joiner, later), "it follows the primary after the snapshot");
    }

    /** The values of {@code keys} as {@code server} holds them, as text (absent ones empty), in the order given. */
    static List<Optional<String>> values(ReplicaServer server, List<String> keys) throws Exception {
        return server.node().readLocal(keys).get().stream()
                .map(v -> v.map(bytes -> new String(bytes, StandardCharsets.UTF_8)))
                .toList();
    }

    /** The seq of the newest snapshot written to a data directory ({@code snapshot-<seq>.snap}), 0 if none. */
    static long newestSnapshotSeq(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.startsWith("snapshot-") && name.endsWith(".snap"))
                    .mapToLong(name -> Long.parseLong(name.substring("snapshot-".length(), name.length() - 5)))
                    .max()
                    .orElse(0);
        }
    }

    @Test
    void noBootstrapStartsFencedInTermZeroWithAnEmptyLog() throws Exception {
        ReplicaServer fenced = start(FreePorts.next(), "", true);
        NodeStatus status = admin.status(fenced.address());
        assertEquals(Role.FENCED, status.role());
        assertEquals(0, status.term());
        assertEquals(LogPosition.ZERO, status.last());
    }
}
