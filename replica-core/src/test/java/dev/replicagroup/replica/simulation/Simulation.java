package dev.replicagroup.replica.simulation;

import dev.replicagroup.replica.core.Applied;
import dev.replicagroup.replica.core.Message;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.ProposeOutcome;
import dev.replicagroup.replica.core.ProtocolSettings;
import dev.replicagroup.replica.core.ReadOutcome;
import dev.replicagroup.replica.core.Ready;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.WriteId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One seeded run: 3 to 5 replicas, their operator and a few clients, one simulated millisecond per step, with
 * message drops, delays, duplicates and reordering, partitions, pauses, crashes (a replica that exits comes back
 * empty, as a replaced pod does; one that is killed comes back with what it made durable), clock skew and the operator going away. After every step it checks that at
 * most one replica serves, that a serving primary holds every acknowledged write, that no read is stale and
 * that no term has two primaries; at the end, faults stop and the group must serve again. Everything random
 * comes from the seed, so a failing seed replays exactly.
 *
 * <p>Why one class of about 550 lines: the network, replicas, disks, operator and history are their own classes;
 * this is the one step loop that interleaves faults, clients and invariant checks on a single random stream, and
 * every part of it draws from that stream in an order a seed's replay depends on. Moving the fault schedule, the
 * clients or the checks out would pass the same fields and the stream around without shortening the loop.
 */
final class Simulation {
    static final ProtocolSettings SETTINGS = new ProtocolSettings(10, 50, 100, 20, 64, 4);
    private static final int CLIENTS = 3;
    private static final long WRITE_TIMEOUT = 500;
    /** Long enough for every helper to receive the last write and its commit, lost messages included. */
    static final long QUIET_MILLIS = 1_500;

    private final long seed;
    private final Random random;
    private final SimulatedNetwork network;
    private final List<SimulatedReplica> replicas = new ArrayList<>();
    private final Map<String, List<Object>> inboxes = new HashMap<>();
    private final Map<String, Role> seenRoles = new HashMap<>();
    private final History history = new History();
    private final List<String> story = new ArrayList<>();
    private final Client[] clients = new Client[CLIENTS];
    private final SimulatedOperator operator;
    private final int syncAcks;
    private final Map<Long, List<Runnable>> scheduled = new HashMap<>();
    private long now;
    /** Primaries killed after sending updates, before their own persist of them ended. */
    private long primariesKilledBeforePersist;

    /** A client request waiting in a replica's inbox (the replica may be paused). */
    private record Request(
            int client, long number, boolean write, boolean bounded, long version, long newestAtInvoke) {}

    /** A bounded-staleness read allows its replica's state to be this many of its ticks old. */
    private static final long READ_BOUND_TICKS = 40;

    /** One client: it writes its own key with increasing versions, one request at a time. */
    private static final class Client {
        String target;
        long version;
        long requestSeq;
        boolean busy;
        long waitSeq = -1;
        long waitTerm;
        long waitVersion;
        long deadline;
        long nextAt;
        long requests;
        long acksAfterHeal;
    }

    Simulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        this.network = new SimulatedNetwork(random);
        int size = 3 + random.nextInt(3);
        this.syncAcks = size == 3 ? 1 : 1 + random.nextInt(2);
        for (int i = 0; i < size; i++) {
            String address = "r" + i;
            double rate = 1 + (random.nextDouble() - 0.5) * 0.06;
            ReplicaState state = i == 0
                    ? ReplicaState.newPrimary(address, syncAcks)
                    : ReplicaState.newHelper(address, syncAcks, "r0");
            replicas.add(new SimulatedReplica(address, rate, state, SETTINGS, 0));
            inboxes.put(address, new ArrayList<>());
        }
        this.operator = new SimulatedOperator(replicas, syncAcks, "r0", story::add);
        for (int c = 0; c < CLIENTS; c++) {
            clients[c] = new Client();
            clients[c].target = "r0";
        }
        network.weather(random.nextDouble() * 0.05, random.nextInt(30));
        story.add("seed " + seed + ": " + size + " replicas, syncAcks " + syncAcks);
    }

    /**
     * Runs {@code faultMillis} of faults, then {@code calmMillis} without (the clients stop for its last
     * {@link #QUIET_MILLIS}); returns the violations found.
     */
    List<String> run(long faultMillis, long calmMillis) {
        quietFrom = faultMillis + calmMillis - QUIET_MILLIS;
        for (; now < faultMillis + calmMillis; now++) {
            boolean faults = now < faultMillis;
            if (faults) {
                maybeFault();
            } else if (now == faultMillis) {
                calm();
            }
            scheduled.getOrDefault(now, List.of()).forEach(Runnable::run);
            scheduled.remove(now);
            step();
            if (!history.violations().isEmpty()) {
                break;
            }
        }
        if (history.violations().isEmpty()) {
            checkHealed();
        }
        return history.violations();
    }

    String story() {
        int from = Math.max(0, story.size() - 60);
        return String.join("\n", story.subList(from, story.size()));
    }

    History history() {
        return history;
    }

    // ------------------------------------------------------------------ one millisecond

    private void step() {
        for (Message m : network.due(now)) {
            SimulatedReplica to = replica(m.to());
            if (to != null && !to.crashed) {
                inboxes.get(m.to()).add(m);
            }
        }
        for (SimulatedReplica r : replicas) {
            if (!r.running(now)) {
                continue;
            }
            int ticks = r.ticksDue(now);
            if (ticks > 0) {
                r.machine.tick(ticks);
            }
            List<Object> inbox = inboxes.get(r.address);
            List<Object> work = new ArrayList<>(inbox);
            inbox.clear();
            for (Object item : work) {
                if (item instanceof Message m) {
                    r.machine.step(m);
                } else {
                    serve(r, (Request) item);
                }
            }
            drain(r, true);
        }
        if (now % 20 == 0) {
            operator.observe(now, network);
            // The operator counts on what it told a replica once the replica answered, after its persist: the
            // Ready of an admin command is persisted whole (a kill here would fence nobody it believes fenced).
            replicas.stream().filter(r -> !r.crashed).forEach(r -> drain(r, false));
        }
        clients();
        checkInvariants();
    }

    /**
     * What the driver does: sends what may go at once, persists, sends the rest, answers; again until idle. With
     * {@code mayKill}, a replica to be killed at its next persist dies right after sending what may go at once.
     */
    private void drain(SimulatedReplica r, boolean mayKill) {
        Ready ready = r.machine.ready();
        do {
            ready.sendAtOnce().forEach(m -> network.send(now, m));
            if (mayKill && r.killBeforePersist && !ready.durable().isEmpty()) {
                if (!ready.sendAtOnce().isEmpty()) {
                    primariesKilledBeforePersist++;
                }
                crashKeepingDisk(r);
                return;
            }
            r.persist(ready.durable());
            ready.messages().forEach(m -> network.send(now, m));
            ready.applied().forEach(applied -> answer(r, applied));
            ready = r.machine.ready();
        } while (!ready.isEmpty());
        Role role = r.machine.state().role();
        if (role == Role.PRIMARY && seenRoles.get(r.address) != Role.PRIMARY) {
            history.becamePrimary(now, r.address, r.machine.state().term());
            story.add(now + " ms: " + r.address + " is primary of term "
                    + r.machine.state().term());
        }
        seenRoles.put(r.address, role);
    }

    private void answer(SimulatedReplica r, Applied applied) {
        for (int c = 0; c < CLIENTS; c++) {
            Client client = clients[c];
            if (client.busy
                    && client.target.equals(r.address)
                    && client.waitSeq == applied.entry().seq()) {
                if (applied.entry().term() == client.waitTerm) {
                    history.acknowledged(now, key(c), client.waitVersion);
                    if (now >= calmFrom) {
                        client.acksAfterHeal++;
                    }
                }
                done(client);
            }
        }
    }

    // ------------------------------------------------------------------ clients

    private long calmFrom = Long.MAX_VALUE;
    private long quietFrom = Long.MAX_VALUE;

    private void clients() {
        for (int c = 0; c < CLIENTS; c++) {
            Client client = clients[c];
            if (client.busy && now > client.deadline) {
                done(client);
                client.target = replicas.get(random.nextInt(replicas.size())).address;
            }
            if (client.busy || now < client.nextAt || now >= quietFrom) {
                continue;
            }
            boolean write = random.nextInt(10) < 7;
            // Half the reads allow bounded staleness, to any replica (a helper answers them if current enough).
            boolean bounded = !write && random.nextBoolean();
            long version = write ? ++client.version : 0;
            client.busy = true;
            client.waitSeq = -1;
            client.deadline = now + WRITE_TIMEOUT;
            SimulatedReplica target = bounded ? replicas.get(random.nextInt(replicas.size())) : replica(client.target);
            if (target.crashed || network.separated("client", target.address)) {
                done(client);
                client.target = replicas.get(random.nextInt(replicas.size())).address;
                continue;
            }
            // A paused replica answers when it wakes; the client waits for it up to its deadline.
            inboxes.get(target.address)
                    .add(new Request(
                            c,
                            ++client.requests,
                            write,
                            bounded,
                            version,
                            history.acknowledged().getOrDefault(key(c), 0L)));
        }
    }

    private void serve(SimulatedReplica r, Request request) {
        Client client = clients[request.client()];
        if (!client.busy || request.number() != client.requests) {
            return;
        }
        if (request.write()) {
            ProposeOutcome outcome = r.machine.propose(
                    new WriteId("client-" + request.client(), ++client.requestSeq),
                    new Operation.Put(key(request.client()), bytes(request.version())));
            if (outcome instanceof ProposeOutcome.Appended a) {
                client.waitSeq = a.seq();
                client.waitTerm = a.term();
                client.waitVersion = request.version();
            } else {
                redirect(client, outcome instanceof ProposeOutcome.NotPrimary np ? np.primary() : "");
            }
            return;
        }
        String key = key(request.client());
        ReadOutcome outcome = request.bounded() ? r.machine.readWithin(key, READ_BOUND_TICKS) : r.machine.read(key);
        if (outcome instanceof ReadOutcome.Value v) {
            long version = v.value().map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
            if (version < request.newestAtInvoke() && !request.bounded()) {
                history.violate(
                        now,
                        "stale read: " + r.address + " returned version " + version + " of " + key + ", but version "
                                + request.newestAtInvoke() + " was acknowledged before the read was sent");
            }
            // Its claim, in its ticks, as real time: its clock may run slow (the drift allowance covers that).
            long claimedMillis = (long) Math.floor(v.stalenessTicks() * SimulatedReplica.TICK_MILLIS / r.rate);
            long required = history.acknowledgedBefore(key, now - claimedMillis);
            if (request.bounded() && (v.stalenessTicks() > READ_BOUND_TICKS || version < required)) {
                history.violate(
                        now,
                        "bounded-staleness read: " + r.address + " ("
                                + r.machine.state().role() + ") returned version "
                                + version + " of " + key + " claiming to be at most " + v.stalenessTicks()
                                + " tick(s) old (bound " + READ_BOUND_TICKS + "), but version " + required
                                + " was acknowledged before then");
            }
            history.read(request.bounded() && r.machine.state().role() == Role.HELPER);
            done(client);
        } else if (request.bounded()) {
            done(client);
        } else {
            redirect(client, outcome instanceof ReadOutcome.NotPrimary np ? np.primary() : "");
        }
    }

    private void redirect(Client client, String hint) {
        done(client);
        client.target = !hint.isEmpty() ? hint : replicas.get(random.nextInt(replicas.size())).address;
    }

    private void done(Client client) {
        client.busy = false;
        client.waitSeq = -1;
        client.nextAt = now + 1 + random.nextInt(5);
    }

    private static String key(int client) {
        return "k" + client;
    }

    private static byte[] bytes(long version) {
        return ByteBuffer.allocate(Long.BYTES).putLong(version).array();
    }

    // ------------------------------------------------------------------ faults

    private void maybeFault() {
        if (random.nextInt(400) != 0) {
            return;
        }
        SimulatedReplica victim = replicas.get(random.nextInt(replicas.size()));
        long until = now + 50 + random.nextInt(2500);
        switch (random.nextInt(8)) {
            case 0 -> {
                if (healthy()) {
                    exitWhenSafe(victim);
                }
            }
            case 1 -> {
                List<String> others = new ArrayList<>(replicas.stream()
                        .map(r -> r.address)
                        .filter(a -> !a.equals(victim.address))
                        .toList());
                if (random.nextBoolean()) {
                    others.add(SimulatedOperator.ADDRESS);
                }
                others.forEach(o -> network.cut(victim.address, o));
                story.add(now + " ms: partition " + victim.address + " from " + others + " until " + until);
                at(until, () -> {
                    others.forEach(o -> network.heal(victim.address, o));
                    story.add(now + " ms: partition of " + victim.address + " healed");
                });
            }
            case 2 -> {
                victim.pausedUntil = until;
                story.add(now + " ms: pause " + victim.address + " until " + until);
            }
            case 3 -> {
                operator.away(now, until);
                story.add(now + " ms: operator down until " + until);
            }
            case 4 -> {
                SimulatedReplica primary = replica(operator.primary());
                if (random.nextBoolean()) {
                    // Its pod is deleted: the operator knows at once; the process lingers, then exits.
                    operator.suspect(primary.address);
                    story.add(
                            now + " ms: pod of primary " + primary.address + " deleted; its process exits at " + until);
                    at(until, () -> exitWhenSafe(primary));
                } else {
                    // Cut off from the operator and the kubelet: NotReady, so after the delay the operator acts.
                    network.cut(primary.address, SimulatedOperator.ADDRESS);
                    story.add(now + " ms: primary " + primary.address + " NotReady to the kubelet until " + until);
                    at(now + 300, () -> operator.suspect(primary.address));
                    at(until, () -> network.heal(primary.address, SimulatedOperator.ADDRESS));
                }
            }
            case 5 -> {
                network.weather(random.nextDouble() * 0.1, random.nextInt(40));
                story.add(now + " ms: network weather changed");
            }
            case 6 -> {
                if (random.nextBoolean()) {
                    crashKeepingDisk(victim);
                } else {
                    // Most often the primary: it sent its updates, its helpers may ack them, its fsync never ends.
                    SimulatedReplica r = random.nextBoolean() ? replica(operator.primary()) : victim;
                    r.killBeforePersist = true;
                    story.add(now + " ms: " + r.address + " is killed at its next persist, after it sent its updates");
                }
            }
            default -> {
                network.cut("client", victim.address);
                at(until, () -> network.heal("client", victim.address));
            }
        }
    }

    /** A lingering process exits once losing its memory loses nothing (replicas keep state in memory). */
    private void exitWhenSafe(SimulatedReplica r) {
        if (r.crashed) {
            return;
        }
        if (!healthy()) {
            at(now + 100, () -> exitWhenSafe(r));
            return;
        }
        r.crashed = true;
        inboxes.get(r.address).clear();
        // Its state dies with it, so must its acks not yet counted: as if it crashed before sending them (an ack
        // counted after the memory behind it is gone would break the in-memory bound this run keeps to).
        network.dropFrom(r.address);
        inboxes.values()
                .forEach(inbox ->
                        inbox.removeIf(m -> m instanceof Message mm && mm.from().equals(r.address)));
        story.add(now + " ms: " + r.address + " exits");
        // Its sockets close with it: every peer still connected to it sees the stream end.
        replicas.stream()
                .filter(o -> o != r && o.running(now) && !network.separated(o.address, r.address))
                .forEach(o -> o.machine.disconnected(r.address));
        at(now + 300 + random.nextInt(1500), () -> restart(r));
    }

    /** Replicas keep state in memory: lose one only when every other holds all that was committed. */
    private boolean healthy() {
        SimulatedReplica primary = replica(operator.primary());
        if (primary == null || primary.crashed || !primary.machine.serving()) {
            return false;
        }
        ReplicaState p = primary.machine.state();
        return replicas.stream()
                .allMatch(r -> !r.crashed
                        && (r == primary
                                || (r.machine.state().term() == p.term()
                                        && r.machine.state().last().compareTo(p.committed()) >= 0
                                        && r.machine.state().role() == Role.HELPER
                                        && r.machine.state().caughtUp())));
    }

    /**
     * SIGKILL at any moment, then a restart with what it made durable (the same volume): as a helper of the
     * operator's primary, or fenced, waiting for the failover, if it was the primary itself. Unlike an exit that
     * loses the state, nothing it sent is taken back: what it sent before its persist was a primary's update, which
     * counts towards no acknowledgement until the primary's own persist; everything else was durable before it
     * was sent.
     */
    private void crashKeepingDisk(SimulatedReplica r) {
        if (r.crashed) {
            return;
        }
        r.crashed = true;
        inboxes.get(r.address).clear();
        story.add(now + " ms: " + r.address + " killed; it keeps its disk");
        at(now + 50 + random.nextInt(1500), () -> {
            String tbc = operator.primary().equals(r.address) ? "" : operator.primary();
            r.restart(ReplicaState.recovered(r.address, syncAcks, r.disk.read(), tbc), SETTINGS, now);
            seenRoles.remove(r.address);
            story.add(now + " ms: " + r.address + " restarted from its disk at "
                    + r.machine.state().last() + (tbc.isEmpty() ? ", fenced" : ", helping " + tbc));
        });
    }

    private void restart(SimulatedReplica r) {
        if (operator.primary().equals(r.address)) {
            // The operator replaces a lost primary's pod only once it has failed over.
            at(now + 100, () -> restart(r));
            return;
        }
        r.disk = new SimulatedDisk();
        r.restart(ReplicaState.newHelper(r.address, syncAcks, operator.primary()), SETTINGS, now);
        seenRoles.remove(r.address);
        story.add(now + " ms: " + r.address + " restarted empty, helping " + operator.primary());
    }

    private void calm() {
        network.healAll();
        network.weather(0.02, 5);
        operator.back();
        replicas.forEach(r -> r.pausedUntil = -1);
        calmFrom = now;
        story.add(now + " ms: faults stop");
    }

    private void at(long when, Runnable action) {
        scheduled.computeIfAbsent(when, w -> new ArrayList<>()).add(action);
    }

    private SimulatedReplica replica(String address) {
        return replicas.stream()
                .filter(r -> r.address.equals(address))
                .findFirst()
                .orElse(null);
    }

    // ------------------------------------------------------------------ invariants

    /** Far more than 3–5 replicas have in flight at once unless something multiplies messages. */
    private static final int MESSAGE_STORM = 20_000;

    private void checkInvariants() {
        if (network.inFlight() > MESSAGE_STORM) {
            history.violate(now, "message storm: " + network.inFlight() + " messages in flight");
        }
        List<SimulatedReplica> serving = replicas.stream()
                .filter(r -> r.running(now) && r.machine.serving())
                .toList();
        if (serving.size() > 1) {
            history.violate(
                    now,
                    "two replicas serve at once: "
                            + serving.stream()
                                    .map(r -> r.address + " (term "
                                            + r.machine.state().term() + ")")
                                    .toList());
        }
        for (SimulatedReplica r : serving) {
            for (Map.Entry<String, Long> acked : history.acknowledged().entrySet()) {
                Optional<byte[]> value = r.machine.state().get(acked.getKey());
                long has = value.map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
                if (has < acked.getValue()) {
                    history.violate(
                            now,
                            "serving primary " + r.address + " (term "
                                    + r.machine.state().term()
                                    + ") holds version " + has + " of " + acked.getKey() + ", but version "
                                    + acked.getValue()
                                    + " was acknowledged");
                }
            }
        }
    }

    private void checkHealed() {
        long servingNow = replicas.stream()
                .filter(r -> r.running(now) && r.machine.serving())
                .count();
        if (servingNow != 1) {
            history.violate(now, "after the faults stopped, " + servingNow + " replicas serve (want 1)");
        }
        replicas.stream().filter(r -> r.machine.serving()).findFirst().ifPresent(primary -> {
            ReplicaState p = primary.machine.state();
            for (SimulatedReplica r : replicas) {
                ReplicaState h = r.machine.state();
                if (!h.last().equals(p.last()) || h.commitSeq() != p.commitSeq()) {
                    history.violate(
                            now,
                            "quiet for " + QUIET_MILLIS + " ms, yet " + r.address + " (" + h.role() + " in term "
                                    + h.term() + ", following '" + h.primary() + "', problem '"
                                    + r.machine.problem() + "') holds " + h.last()
                                    + " committed to " + h.commitSeq() + " while primary " + primary.address + " holds "
                                    + p.last() + " committed to " + p.commitSeq());
                }
            }
        });
        for (int c = 0; c < CLIENTS; c++) {
            if (clients[c].acksAfterHeal == 0) {
                history.violate(now, "client " + c + " got no write acknowledged after the faults stopped");
            }
        }
    }

    long seed() {
        return seed;
    }

    long primariesKilledBeforePersist() {
        return primariesKilledBeforePersist;
    }
}
