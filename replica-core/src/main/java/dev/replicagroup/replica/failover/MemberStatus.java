package dev.replicagroup.replica.failover;

import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;

/**
 * What a failover decision knows of one replica: whether it is Ready (the pod's readiness, or that it
 * answered), its role and log position as it reported them, its liveness as the primary last saw it, and
 * when it started (older wins ties).
 */
public record MemberStatus(
        String name,
        String address,
        boolean ready,
        Role role,
        long term,
        LogPosition last,
        int liveness,
        long startedAtMillis) {}
