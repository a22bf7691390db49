package dev.replicagroup.replica.simulation;

import dev.replicagroup.replica.core.DurableChanges;
import dev.replicagroup.replica.core.ProtocolSettings;
import dev.replicagroup.replica.core.ReplicaMachine;
import dev.replicagroup.replica.core.ReplicaState;

/**
 * One replica of the simulation: its machine, and a clock of its own that runs at {@code rate} times real time
 * (clock skew), stops while the replica is paused (SIGSTOP) and is gone with its state when it crashes.
 */
final class SimulatedReplica {
    static final int TICK_MILLIS = 10;

    final String address;
    final double rate;
    ReplicaMachine machine;
    SimulatedDisk disk = new SimulatedDisk();
    boolean crashed;
    /** SIGKILL at its next persist: after it sent what may go at once, before its disk has the Ready's changes. */
    boolean killBeforePersist;

    long pausedUntil = -1;
    private long ticksSeen;
    private long incarnations;

    SimulatedReplica(String address, double rate, ReplicaState state, ProtocolSettings settings, long now) {
        this.address = address;
        this.rate = rate;
        restart(state, settings, now);
    }

    /** A new process with {@code state}; its clock starts from now. */
    void restart(ReplicaState state, ProtocolSettings settings, long now) {
        machine = new ReplicaMachine(state, settings, ++incarnations);
        crashed = false;
        killBeforePersist = false;
        pausedUntil = -1;
        ticksSeen = localTicks(now);
    }

    /** The driver's step between a Ready's messages sent at once and the rest: what it changed becomes durable. */
    void persist(DurableChanges changes) {
        disk.write(changes);
        machine.persisted();
    }

    boolean running(long now) {
        return !crashed && now >= pausedUntil;
    }

    /** Ticks since the last call on this replica's own clock (all of a pause at once, as the driver does). */
    int ticksDue(long now) {
        long local = localTicks(now);
        int due = (int) (local - ticksSeen);
        ticksSeen = local;
        return due;
    }

    private long localTicks(long now) {
        return (long) Math.floor(now * rate / TICK_MILLIS);
    }
}
