package dev.replicagroup.replica.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ManualFailover;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.testing.FreePorts;
import dev.replicagroup.replica.testing.Progress;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several real replicas (gRPC servers on loopback) in one JVM, with crashes and failovers. Just over 300 lines:
 * nine scenarios, each on a group it starts with the {@code group} and {@code start} helpers here.
 */
class LoopbackGroupTest {
    static final String TOKEN = "test-token";
    static final ClientOptions CLIENT =
            new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(3), Duration.ofSeconds(1));

    final List<ReplicaServer> servers = new ArrayList<>();
    final AdminClient admin = new AdminClient(TOKEN, Duration.ofSeconds(3));

    @AfterEach
    void stop() {
        servers.forEach(ReplicaServer::close);
        admin.close();
    }

    ReplicaServer start(int port, String tbc, int syncAcks) throws IOException {
        ServerOptions options = ServerOptions.loopback(port, tbc, syncAcks, TOKEN);
        ReplicaServer server =
                ReplicaServer.start(options.withNode(options.node().withWriteTimeout(Duration.ofSeconds(2))));
        servers.add(server);
        return server;
    }

    List<ReplicaServer> group(int size) throws IOException {
        ReplicaServer primary = start(FreePorts.next(), "", 1);
        List<ReplicaServer> group = new ArrayList<>(List.of(primary));
        for (int i = 1; i < size; i++) {
            group.add(start(FreePorts.next(), primary.address(), 1));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> group.stream().allMatch(s -> s.node().view().caughtUp()));
        return group;
    }

    static List<String> addresses(List<ReplicaServer> group) {
        return group.stream().map(ReplicaServer::address).toList();
    }

    @Test
    void helperJoiningMidLoadCatchesUp() throws Exception {
        List<ReplicaServer> group = group(2);
        LoadGenerator load = new LoadGenerator(addresses(group), CLIENT, 3, false);
        LoadGenerator.Running running = load.start();
        ReplicaServer primary = group.get(0);
        Progress.awaitCommits(primary, 100);
        ReplicaServer late = start(FreePorts.next(), group.get(0).address(), 1);
        // Writes go on while it catches up: it joins a moving log. Fails if joining stalls the primary.
        await().atMost(Progress.WITHIN).until(() -> late.node().view().caughtUp());
        Progress.awaitCommits(primary, 100);
        LoadReport done = running.stop();
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        late.node().view().appliedSeq() == primary.node().view().commitSeq());
        NodeStatus lateStatus = admin.status(late.address());
        assertEquals(Role.HELPER, lateStatus.role());
        assertTrue(lateStatus.caughtUp());
        assertEquals(primary.node().view().last(), lateStatus.last());
        // Promote the late helper (the other helper follows it) and read every acknowledged write from it.
        primary.close();
        admin.promote(late.address(), 2, 0);
        assertEquals(List.of(), LoadGenerator.lostWrites(List.of(late.address()), CLIENT, done.acknowledged()));
    }

    @Test
    void primaryCrashThenFailoverLosesNoAcknowledgedWriteAndOldPrimaryRejoins() throws Exception {
        List<ReplicaServer> group = group(3);
        List<String> all = addresses(group);
        LoadGenerator load = new LoadGenerator(all, CLIENT, 4, false);
        LoadGenerator.Running running = load.start();
        ReplicaServer oldPrimary = group.get(0);
        Progress.awaitCommits(oldPrimary, 100);
        oldPrimary.close();
        List<String> log = new ArrayList<>();
        ManualFailover.Outcome outcome = new ManualFailover(admin, log::add).run(all, 1);
        assertEquals(2, outcome.term());
        assertTrue(
                outcome.newPrimary().equals(all.get(1)) || outcome.newPrimary().equals(all.get(2)));
        // Fails if the load does not find the new primary: writes must resume there, not merely not be lost.
        Progress.awaitCommits(server(outcome.newPrimary()), 100);
        LoadReport done = running.stop();
        assertFalse(done.acknowledged().isEmpty(), "a lost-write check of nothing proves nothing: " + done.summary());
        assertEquals(List.of(), LoadGenerator.lostWrites(all, CLIENT, done.acknowledged()));

        ReplicaServer rejoined = start(Integer.parseInt(all.get(0).split(":", -1)[1]), outcome.newPrimary(), 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> rejoined.node().view().caughtUp()
                        && rejoined.node().view().term() == 2);
        assertEquals(Role.HELPER, admin.status(rejoined.address()).role());
        try (ReplicaClient client = ReplicaClient.connect(List.of(rejoined.address()), CLIENT)) {
            client.put("after", "rejoin".getBytes(StandardCharsets.UTF_8));
        }
        ReplicaServer newPrimary = server(outcome.newPrimary());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> rejoined.node().view().appliedSeq()
                        == newPrimary.node().view().commitSeq());
    }

    @Test
    void oldPrimaryAliveButOutOfReachCannotAcknowledgeAWriteTheNewPrimaryMisses() throws Exception {
        List<ReplicaServer> group = group(3);
        ReplicaServer oldPrimary = group.get(0);
        // Clients keep writing through the old primary while the failover, which cannot reach it, runs.
        LoadGenerator load = new LoadGenerator(List.of(oldPrimary.address()), CLIENT, 3, false);
        LoadGenerator.Running running = load.start();
        Progress.awaitCommits(oldPrimary, 50);
        String outOfReach = "127.0.0.1:" + FreePorts.next();
        List<String> asSeen =
                List.of(outOfReach, group.get(1).address(), group.get(2).address());
        ManualFailover.Outcome outcome = new ManualFailover(admin, line -> {}).run(asSeen, 1);
        ReplicaServer next = server(outcome.newPrimary());
        // The old primary's clients follow its redirect: fails if they stay stuck on it.
        Progress.awaitCommits(next, 50);
        LoadReport done = running.stop();
        assertEquals(
                List.of(),
                LoadGenerator.lostWrites(List.of(outcome.newPrimary()), CLIENT, done.acknowledged()),
                "every write the old primary acknowledged is on the new primary");

        ExecutionException failed = assertThrows(
                ExecutionException.class,
                () -> oldPrimary
                        .node()
                        .write(new WriteId("c", 1), new Operation.Put("k", new byte[] {1}))
                        .get());
        ReplicaException cause = assertInstanceOf(ReplicaException.class, failed.getCause());
        // The new primary's first message told it of term 2: it follows at once, or has lost its lease.
        assertTrue(
                cause.reason() == ReplicaException.Reason.NOT_PRIMARY
                        || cause.reason() == ReplicaException.Reason.NOT_SERVING,
                cause.getMessage());

        // Following the new primary (told again, as the operator does once it reaches it), it holds no write the
        // new primary lacks.
        admin.follow(oldPrimary.address(), next.address(), outcome.term());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> oldPrimary.node().view().role() == Role.HELPER
                        && oldPrimary
                                .node()
                                .view()
                                .last()
                                .equals(next.node().view().last()));
        assertFalse(oldPrimary.node().readLocal(List.of("k")).get().get(0).isPresent(), "the refused write is nowhere");
    }

    @Test
    void primaryRestartedInPlaceWithNoStateFencesItselfAndLosesNothing() throws Exception {
        List<ReplicaServer> group = group(3);
        List<String> all = addresses(group);
        try (ReplicaClient client = ReplicaClient.connect(all, CLIENT)) {
            for (int i = 0; i < 20; i++) {
                client.put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        ReplicaServer primary = group.get(0);
        primary.close();
        // The container restarts with the same arguments: an empty primary of term 1 at the same address.
        ReplicaServer restarted = start(Integer.parseInt(all.get(0).split(":", -1)[1]), "", 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> restarted.node().view().role() == Role.FENCED);
        assertTrue(admin.status(restarted.address()).problem().contains("lost its state"));
        // Held, if not yet applied: the commit point of the last write may have been due with the next update.
        assertEquals(20, group.get(1).node().view().last().seq(), "the helpers kept everything");

        ManualFailover.Outcome outcome = new ManualFailover(admin, line -> {}).run(all, 1);
        try (ReplicaClient client = ReplicaClient.connect(List.of(outcome.newPrimary()), CLIENT)) {
            assertEquals(
                    "v19", new String(client.get(List.of("k19")).get("k19").orElseThrow(), StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> restarted.node().view().role() == Role.HELPER
                        && restarted.node().view().appliedSeq() >= 20);
    }

    @Test
    void aStoppingPrimaryStopsServingAndWaitsForTheFenceThenItsHelpersSeeItGoneAtOnce() throws Exception {
        List<ReplicaServer> group = group(2);
        ReplicaServer primary = group.get(0);
        ReplicaServer helper = group.get(1);
        long started = System.nanoTime();
        Thread stopping = new Thread(() -> primary.stop(Duration.ofSeconds(5)));
        stopping.start();
        await().atMost(Duration.ofSeconds(2))
                .until(() -> !primary.node().view().timing().serving());
        assertTrue(
                primary.node().view().problem().contains("shutting down"),
                primary.node().view().problem());
        NodeStatus fenced = admin.fence(primary.address(), 2);
        assertEquals(Role.FENCED, fenced.role(), "it answers the failover while it stops");
        assertEquals(0, fenced.timing().holdoffRemainingMillis());
        stopping.join(3_000);
        assertFalse(stopping.isAlive(), "fenced, it exits without waiting out its grace");
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(4).toNanos());
        // Its stream to the helper broke: the helper reports it lost well before the 1 s detection timeout.
        await().atMost(Duration.ofMillis(800))
                .until(() -> helper.node().view().timing().primaryLost());
    }

    @Test
    void deposedPrimaryStepsDownWhenAHelperOfANewerTermSaysHello() throws Exception {
        List<ReplicaServer> group = group(2);
        ReplicaServer oldPrimary = group.get(0);
        admin.fence(group.get(1).address(), 2);
        admin.promote(group.get(1).address(), 2, 0);
        ReplicaServer newcomer = start(FreePorts.next(), group.get(1).address(), 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> newcomer.node().view().term() == 2);
        admin.follow(newcomer.address(), oldPrimary.address(), 2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> oldPrimary.node().view().role() == Role.HELPER
                        && oldPrimary.node().view().term() == 2);
    }

    @Test
    void badInputGetsAClearErrorAndTheServerKeepsRunning() throws Exception {
        List<ReplicaServer> group = group(2);
        try (ReplicaClient client = ReplicaClient.connect(addresses(group), CLIENT)) {
            ReplicaException empty = assertThrows(ReplicaException.class, () -> client.put("", new byte[1]));
            assertEquals(ReplicaException.Reason.INVALID, empty.reason());
            assertTrue(empty.getMessage().contains("key is empty"), empty.getMessage());
            ReplicaException big =
                    assertThrows(ReplicaException.class, () -> client.put("k", new byte[2 * 1024 * 1024]));
            assertTrue(big.getMessage().contains("the limit is 1048576"), big.getMessage());
            client.put("k", "fine".getBytes(StandardCharsets.UTF_8));
            assertEquals("fine", new String(client.get(List.of("k")).get("k").orElseThrow(), StandardCharsets.UTF_8));
        }
        try (AdminClient wrong = new AdminClient("nope", Duration.ofSeconds(2))) {
            ReplicaException denied = assertThrows(
                    ReplicaException.class, () -> wrong.status(group.get(0).address()));
            assertTrue(denied.getMessage().contains("wrong admin token"), denied.getMessage());
        }
        ReplicaException lower = assertThrows(
                ReplicaException.class, () -> admin.promote(group.get(1).address(), 1, 0));
        assertTrue(lower.getMessage().contains("not above the current term"), lower.getMessage());

        int nowhere = FreePorts.next();
        ReplicaServer orphan = start(FreePorts.next(), "127.0.0.1:" + nowhere, 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !orphan.node().view().problem().isEmpty());
        NodeStatus status = admin.status(orphan.address());
        assertTrue(status.problem().contains("cannot replicate from primary 127.0.0.1:" + nowhere), status.problem());
        assertFalse(status.caughtUp());
    }

    @Test
    void healthIsServingForAPrimaryWithItsLeaseAndCaughtUpHelpersOnly() throws Exception {
        List<ReplicaServer> group = group(2);
        ReplicaServer orphan = start(FreePorts.next(), "127.0.0.1:" + FreePorts.next(), 1);
        try (Channels channels = new Channels()) {
            assertEquals(ServingStatus.SERVING, health(channels, group.get(0)));
            assertEquals(ServingStatus.SERVING, health(channels, group.get(1)));
            assertEquals(ServingStatus.NOT_SERVING, health(channels, orphan));
            // Its only helper gone, the primary loses its lease and stops serving by itself.
            group.get(1).close();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> health(channels, group.get(0)) == ServingStatus.NOT_SERVING);
            NodeStatus alone = admin.status(group.get(0).address());
            assertEquals(Role.PRIMARY, alone.role());
            assertFalse(alone.timing().serving());
            assertTrue(alone.problem().contains("lost its lease"), alone.problem());
            ReplicaException refused = assertThrows(ReplicaException.class, () -> {
                try (ReplicaClient client = ReplicaClient.connect(
                        List.of(group.get(0).address()), CLIENT.withDeadline(Duration.ofMillis(500)))) {
                    client.get(List.of("k"));
                }
            });
            assertTrue(refused.getMessage().contains("lost its lease"), refused.getMessage());
        }
    }

    @Test
    void aFencedHelperStaysEligibleAndThePrimaryItNoLongerAcksStepsDown() throws Exception {
        List<ReplicaServer> group = group(3);
        try (Channels channels = new Channels()) {
            admin.fence(group.get(2).address(), 2);
            assertEquals(ServingStatus.SERVING, health(channels, group.get(2)), "fenced, it may still be promoted");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> group.get(0).node().view().term() == 2
                            && group.get(0).node().view().role() == Role.HELPER);
        }
    }

    ReplicaServer server(String address) {
        return servers.stream()
                .filter(s -> s.address().equals(address))
                .findFirst()
                .orElseThrow();
    }

    static ServingStatus health(Channels channels, ReplicaServer server) {
        return HealthGrpc.newBlockingStub(channels.to(server.address()))
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
    }
}
