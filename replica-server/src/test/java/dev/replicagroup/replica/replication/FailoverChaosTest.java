package dev.replicagroup.replica.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.client.ManualFailover;
import dev.replicagroup.replica.client.ReplicaAdmin;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.WriteId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three replicas in one JVM over {@link InMemoryNetwork}; writers keep writing while rounds of random faults
 * (the primary crashes, the primary is cut off from the operator but not from its helpers and clients, a
 * helper is cut off) are each followed by the same failover the CLI runs. At the end every acknowledged write
 * must be on the final primary and on every helper.
 */
class FailoverChaosTest {
    static final NodeConfig FAST = new NodeConfig(
            Duration.ofMillis(300),
            Duration.ofMillis(20),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(50),
            64,
            4);
    static final List<String> ADDRESSES = List.of("r0:7000", "r1:7000", "r2:7000");

    final InMemoryNetwork network = new InMemoryNetwork();
    final Map<String, ReplicaNode> nodes = new ConcurrentHashMap<>();
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    final AtomicBoolean writing = new AtomicBoolean(true);

    @AfterEach
    void stop() {
        writing.set(false);
        nodes.values().forEach(ReplicaNode::close);
    }

    void start(String address, String tbc) {
        ReplicaState state =
                tbc.isEmpty() ? ReplicaState.newPrimary(address, 1) : ReplicaState.newHelper(address, 1, tbc);
        ReplicaNode node = new ReplicaNode(state, network.from(address), FAST);
        nodes.put(address, node);
        network.register(node);
        node.start();
    }

    Optional<ReplicaNode> primary() {
        return nodes.values().stream()
                .filter(n -> n.view().role() == Role.PRIMARY)
                .max(Comparator.comparingLong(n -> n.view().term()));
    }

    /** One client: writes distinct keys one at a time, retrying each with the same id, as the client library does. */
    Thread writer(int id) {
        Thread t = new Thread(
                () -> {
                    for (long seq = 1; writing.get(); seq++) {
                        String key = "w" + id + "-" + seq;
                        byte[] value = key.getBytes(StandardCharsets.UTF_8);
                        for (int attempt = 0; attempt < 20 && writing.get(); attempt++) {
                            Optional<ReplicaNode> target = primary();
                            try {
                                if (target.isPresent()) {
                                    target.get()
                                            .write(new WriteId("client-" + id, seq), new Operation.Put(key, value))
                                            .get(1, TimeUnit.SECONDS);
                                    acknowledged.put(key, key);
                                    break;
                                }
                            } catch (Exception notAcknowledged) {
                                // Retried with the same id below, or given up: then it was never acknowledged.
                            }
                            sleep(20);
                        }
                    }
                },
                "writer-" + id);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void noAcknowledgedWriteIsLostAcrossRandomFaultsAndFailovers() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        start(ADDRESSES.get(0), "");
        start(ADDRESSES.get(1), ADDRESSES.get(0));
        start(ADDRESSES.get(2), ADDRESSES.get(0));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> nodes.values().stream().allMatch(n -> n.view().caughtUp()));
        List<Thread> writers = List.of(writer(0), writer(1), writer(2));
        ReplicaAdmin admin = network.admin();
        List<String> story = new ArrayList<>();

        for (int round = 0; round < 6; round++) {
            sleep(250);
            String old = primary().orElseThrow().address();
            List<String> helpers =
                    ADDRESSES.stream().filter(a -> !a.equals(old)).toList();
            int fault = random.nextInt(3);
            if (fault == 0) {
                story.add("crash " + old);
                network.crash(old);
                nodes.remove(old);
            } else if (fault == 1) {
                story.add("cut the operator off from " + old);
                network.cut(InMemoryNetwork.OPERATOR, old);
            } else {
                String helper = helpers.get(random.nextInt(2));
                story.add("cut " + old + " from " + helper + " and the operator");
                network.cut(old, helper);
                network.cut(InMemoryNetwork.OPERATOR, old);
            }
            sleep(100);
            ManualFailover.Outcome outcome = new ManualFailover(admin, story::add).run(ADDRESSES, 1);
            story.add("round " + round + ": " + outcome);
            sleep(150);
            network.healAll();
            for (String address : ADDRESSES) {
                if (!nodes.containsKey(address)) {
                    start(address, outcome.newPrimary());
                } else if (!address.equals(outcome.newPrimary())) {
                    admin.follow(address, outcome.newPrimary(), outcome.term());
                }
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> nodes.values().stream().allMatch(n -> n.view().caughtUp()));
        }
        sleep(250);
        writing.set(false);
        for (Thread w : writers) {
            w.join(5000);
        }
        ReplicaNode last = primary().orElseThrow();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodes.values().stream()
                        .allMatch(n -> n.view().appliedSeq() == last.view().commitSeq()));
        assertTrue(acknowledged.size() > 50, "writes went on: " + acknowledged.size());
        for (ReplicaNode node : nodes.values()) {
            List<String> keys = new ArrayList<>(acknowledged.keySet());
            List<Optional<byte[]>> values = node.readLocal(keys).get();
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (values.get(i).isEmpty()) {
                    missing.add(keys.get(i));
                }
            }
            assertEquals(
                    List.of(),
                    missing,
                    node.address() + " misses acknowledged writes; seed " + seed + "; story: " + story);
        }
    }
}
