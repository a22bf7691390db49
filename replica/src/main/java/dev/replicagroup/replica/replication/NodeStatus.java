package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import java.util.List;
import java.util.Map;

/** What a replica reports about itself (the Admin Status call). */
public record NodeStatus(
        String address,
        Role role,
        long term,
        LogPosition last,
        long commitSeq,
        long appliedSeq,
        String primary,
        List<HelperProgress> helpers,
        List<Map.Entry<String, Integer>> liveness,
        int syncAcks,
        boolean caughtUp,
        long startedAtMillis,
        String problem) {

    /** A helper as its primary sees it. */
    public record HelperProgress(String address, long ackedSeq, long lag, boolean connected) {
    }
}
