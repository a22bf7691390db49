package dev.replicagroup.replica.replication;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of one {@link FailoverChaosTest} run, drawn from its seed before the run starts: every kind once, in
 * an order and on targets the seed picks. Targets are named by role (the primary of the round, its first or
 * second helper in address order, a client by number), because which replica is primary depends on the rounds
 * before; so one seed always tells the same story of faults.
 */
record ChaosPlan(long seed, List<ChaosPlan.Round> rounds) {
    enum Fault {
        /** The primary's process dies. */
        CRASH_PRIMARY,
        /** The operator cannot reach the primary, which still reaches its helpers and clients. */
        CUT_OPERATOR_FROM_PRIMARY,
        /** The primary loses one helper and the operator. */
        CUT_PRIMARY_FROM_HELPER_AND_OPERATOR,
        /** The primary loses both helpers and the operator; clients still reach it and must not be acknowledged. */
        ISOLATE_PRIMARY_FROM_THE_GROUP,
        /** One client cannot reach the primary: it sees failures, never an acknowledgement, until the failover. */
        CUT_CLIENT_FROM_PRIMARY
    }

    record Round(Fault fault, int helper, int client) {}

    static ChaosPlan of(long seed, int clients) {
        Random random = new Random(seed);
        List<Fault> faults = new ArrayList<>(Arrays.asList(Fault.values()));
        Collections.shuffle(faults, random);
        List<Round> rounds = new ArrayList<>();
        for (Fault fault : faults) {
            rounds.add(new Round(fault, random.nextInt(2), random.nextInt(clients)));
        }
        return new ChaosPlan(seed, List.copyOf(rounds));
    }

    /** What to pass to run this plan again, and only it. */
    String replay() {
        return "seed " + seed + " (replay: -Dchaos.first=" + seed + " -Dchaos.seeds=1)";
    }
}
