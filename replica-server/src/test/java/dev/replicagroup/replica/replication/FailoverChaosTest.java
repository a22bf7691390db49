package dev.replicagroup.replica.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.replicagroup.replica.client.ManualFailover;
import dev.replicagroup.replica.client.ReplicaAdmin;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.replication.ChaosClient.Outcome;
import dev.replicagroup.replica.replication.ChaosClient.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Three replicas and three clients in one JVM over {@link InMemoryNetwork}; the clients keep writing through the
 * network while rounds of faults ({@link ChaosPlan}: the primary crashes, is cut off from the operator, from a
 * helper and the operator, from the whole group but not its clients, or a client is cut off from it) are each
 * followed by the same failover the CLI runs. At the end every acknowledged write must be on the final primary and
 * on every helper, and no write the client knows was not applied may be anywhere.
 *
 * <p>The faults come from a seed: {@code make verify} runs {@link #SEEDS} from {@link #FIRST}; {@code make chaos}
 * many more (-Dchaos.seeds=N, -Dchaos.first=S). Every failure names its seed and how to run it again; that replays
 * its faults in the same order on the same targets, while the threads' timing around them is the machine's (the
 * protocol's exact replays are replica-core's SimulationTest).
 */
class FailoverChaosTest {
    static final long FIRST = Long.getLong("chaos.first", 1);
    static final int SEEDS = Integer.getInteger("chaos.seeds", 1);
    static final NodeConfig FAST = new NodeConfig(
            Duration.ofMillis(300),
            Duration.ofMillis(20),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(50),
            64,
            4,
            Duration.ofSeconds(5));
    static final List<String> ADDRESSES = List.of("r0:7000", "r1:7000", "r2:7000");
    static final int CLIENTS = 3;
    static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void noAcknowledgedWriteIsLostAcrossRandomFaultsAndFailovers() {
        for (long seed = FIRST; seed < FIRST + SEEDS; seed++) {
            try (Run run = new Run(ChaosPlan.of(seed, CLIENTS))) {
                run.play();
            }
        }
    }

    // Fails if the plan drew from anything but its seed: then a printed seed would not replay its faults.
    @Test
    void aSeedTellsTheSameStoryOfFaults() {
        assertEquals(ChaosPlan.of(7, CLIENTS), ChaosPlan.of(7, CLIENTS));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One seed's group, clients and faults. */
    static final class Run implements AutoCloseable {
        final ChaosPlan plan;
        final InMemoryNetwork network = new InMemoryNetwork();
        final ReplicaAdmin admin = network.admin();
        final Map<String, ReplicaNode> nodes = new ConcurrentHashMap<>();
        final List<ChaosClient> clients = new ArrayList<>();
        final List<String> story = new ArrayList<>();
        final List<String> violations = new ArrayList<>();

        Run(ChaosPlan plan) {
            this.plan = plan;
        }

        /** The failure message of this run: the seed first, so that any failure can be replayed. */
        String replay(String what) {
            return plan.replay() + ": " + what + "; plan " + plan.rounds() + "; story " + story;
        }

        void play() {
            try {
                faultsAndFailovers();
            } catch (Exception | AssertionError e) {
                throw new AssertionError(replay(e.toString()), e);
            }
            assertEquals(List.of(), violations, replay("violations"));
        }

        void faultsAndFailovers() throws Exception {
            start(ADDRESSES.get(0), "");
            start(ADDRESSES.get(1), ADDRESSES.get(0));
            start(ADDRESSES.get(2), ADDRESSES.get(0));
            awaitCaughtUp();
            IntStream.range(0, CLIENTS).forEach(i -> clients.add(new ChaosClient("client-" + i, network, ADDRESSES)));
            for (int i = 0; i < plan.rounds().size(); i++) {
                round(i, plan.rounds().get(i));
            }
            // Fails if the group did not heal: some client can no longer get a write acknowledged.
            long healed = System.nanoTime();
            await("every client writes again after the last round")
                    .atMost(WAIT)
                    .until(() -> clients.stream().allMatch(c -> c.acknowledgedSince(healed) > 0));
            clients.forEach(ChaosClient::close);
            ReplicaNode last = primary().orElseThrow();
            await("every replica applied the last commit")
                    .atMost(WAIT)
                    .until(() -> nodes.values().stream()
                            .allMatch(n -> n.view().appliedSeq() == last.view().commitSeq()));
            checkOutcomes();
        }

        void round(int number, ChaosPlan.Round round) throws Exception {
            // The clients make progress before each fault, so that each fault hits writes in flight.
            long began = System.nanoTime();
            await("writes before round " + number)
                    .atMost(WAIT)
                    .until(() -> clients.stream()
                                    .mapToLong(c -> c.acknowledgedSince(began))
                                    .sum()
                            >= 5);
            String old = primary().orElseThrow().address();
            List<String> helpers =
                    ADDRESSES.stream().filter(a -> !a.equals(old)).toList();
            String helper = helpers.get(round.helper());
            story.add("round " + number + ": " + round.fault() + " on " + old);
            switch (round.fault()) {
                case CRASH_PRIMARY -> {
                    network.crash(old);
                    nodes.remove(old);
                }
                case CUT_OPERATOR_FROM_PRIMARY -> network.cut(InMemoryNetwork.OPERATOR, old);
                case CUT_PRIMARY_FROM_HELPER_AND_OPERATOR -> {
                    network.cut(old, helper);
                    network.cut(InMemoryNetwork.OPERATOR, old);
                }
                case ISOLATE_PRIMARY_FROM_THE_GROUP -> {
                    helpers.forEach(h -> network.cut(old, h));
                    network.cut(InMemoryNetwork.OPERATOR, old);
                }
                case CUT_CLIENT_FROM_PRIMARY -> cutClientOff(clients.get(round.client()), old);
            }
            sleep(100);
            ManualFailover.Outcome outcome = new ManualFailover(admin, story::add).run(ADDRESSES, 1);
            story.add("round " + number + ": " + outcome);
            sleep(150);
            network.healAll();
            for (String address : ADDRESSES) {
                if (!nodes.containsKey(address)) {
                    start(address, outcome.newPrimary());
                } else if (!address.equals(outcome.newPrimary())) {
                    admin.follow(address, outcome.newPrimary(), outcome.term());
                }
            }
            awaitCaughtUp();
        }

        /**
         * Cuts the client off from the primary and waits until it felt it. Until the failover it can reach no
         * primary: a write acknowledged to it meanwhile would be one whose reply crossed a cut link.
         */
        void cutClientOff(ChaosClient client, String primary) {
            network.cut(client.address(), primary);
            long cut = System.nanoTime();
            await(client.address() + " sees failures once cut off from " + primary)
                    .atMost(WAIT)
                    .until(() -> client.failedSince(cut) >= 2);
            long acknowledged = client.acknowledgedBetween(cut, System.nanoTime());
            if (acknowledged > 0) {
                violations.add(client.address() + " got " + acknowledged + " acknowledgements while cut off from "
                        + primary + ", the only primary");
            }
        }

        /** Fails on an acknowledged write missing anywhere, or on a write known not applied present anywhere. */
        void checkOutcomes() throws Exception {
            List<Write> writes =
                    clients.stream().flatMap(c -> c.writes().stream()).toList();
            for (ReplicaNode node : nodes.values()) {
                List<Optional<byte[]>> values =
                        node.readLocal(writes.stream().map(Write::key).toList()).get();
                for (int i = 0; i < writes.size(); i++) {
                    Write write = writes.get(i);
                    boolean present = values.get(i).isPresent();
                    if (write.outcome() == Outcome.OK && !present) {
                        violations.add(node.address() + " misses acknowledged " + write.key());
                    } else if (write.outcome() == Outcome.NOT_APPLIED && present) {
                        violations.add(node.address() + " holds " + write.key() + ", which was refused everywhere");
                    }
                }
            }
            story.add(writes.stream().filter(w -> w.outcome() == Outcome.OK).count() + " of " + writes.size()
                    + " writes acknowledged");
        }

        void start(String address, String tbc) {
            ReplicaState state =
                    tbc.isEmpty() ? ReplicaState.newPrimary(address, 1) : ReplicaState.newHelper(address, 1, tbc);
            ReplicaNode node = new ReplicaNode(state, network.from(address), FAST);
            nodes.put(address, node);
            network.register(node);
            node.start();
        }

        void awaitCaughtUp() {
            await("every replica caught up")
                    .atMost(WAIT)
                    .until(() -> nodes.values().stream().allMatch(n -> n.view().caughtUp()));
        }

        Optional<ReplicaNode> primary() {
            return nodes.values().stream()
                    .filter(n -> n.view().role() == Role.PRIMARY)
                    .max(Comparator.comparingLong(n -> n.view().term()));
        }

        @Override
        public void close() {
            clients.forEach(ChaosClient::close);
            nodes.values().forEach(ReplicaNode::close);
        }
    }
}
