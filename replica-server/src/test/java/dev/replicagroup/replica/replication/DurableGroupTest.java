package dev.replicagroup.replica.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        ServerOptions options = ServerOptions.loopback(port, tbc, 1, TOKEN)
                .withStorage(StorageOptions.onDisk(dirs.resolve("r" + port), FsyncPolicy.BATCH), noBootstrap);
        ReplicaServer server = ReplicaServer.start(options);
        servers.add(server);
        return server;
    }

    /** As a SIGKILL: the process is gone at once; only what it made durable is left. */
    void kill(ReplicaServer server) {
        servers.remove(server);
        server.close();
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

    @Test
    void noBootstrapStartsFencedInTermZeroWithAnEmptyLog() throws Exception {
        ReplicaServer fenced = start(FreePorts.next(), "", true);
        NodeStatus status = admin.status(fenced.address());
        assertEquals(Role.FENCED, status.role());
        assertEquals(0, status.term());
        assertEquals(LogPosition.ZERO, status.last());
    }
}
