package dev.replicagroup.replica.grpc;

import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.ServerEntry;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.grpc.v1.HelperInfo;
import dev.replicagroup.replica.grpc.v1.LivenessEntry;
import dev.replicagroup.replica.grpc.v1.StatusResponse;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.Map;

/**
 * Converts between the core types and the wire messages of the Clone and Admin services: what a client sends and
 * is answered with. The Peer service's messages (log entries, catch-ups, snapshots) are the server's alone
 * (PeerMessages in replica-server).
 */
public final class ProtoMapper {
    private ProtoMapper() {}

    public static dev.replicagroup.replica.grpc.v1.LogPosition toProto(LogPosition p) {
        return dev.replicagroup.replica.grpc.v1.LogPosition.newBuilder()
                .setTerm(p.term())
                .setSeq(p.seq())
                .build();
    }

    public static LogPosition fromProto(dev.replicagroup.replica.grpc.v1.LogPosition p) {
        return new LogPosition(p.getTerm(), p.getSeq());
    }

    public static dev.replicagroup.replica.grpc.v1.Role toProto(Role role) {
        return dev.replicagroup.replica.grpc.v1.Role.valueOf(role.name());
    }

    public static Role fromProto(dev.replicagroup.replica.grpc.v1.Role role) {
        return role == dev.replicagroup.replica.grpc.v1.Role.ROLE_UNKNOWN
                        || role == dev.replicagroup.replica.grpc.v1.Role.UNRECOGNIZED
                ? Role.HELPER
                : Role.valueOf(role.name());
    }

    public static dev.replicagroup.replica.grpc.v1.WriteId toProto(WriteId id) {
        return dev.replicagroup.replica.grpc.v1.WriteId.newBuilder()
                .setClientId(id.clientId())
                .setRequestSeq(id.requestSeq())
                .build();
    }

    public static WriteId fromProto(dev.replicagroup.replica.grpc.v1.WriteId id) {
        return new WriteId(id.getClientId(), id.getRequestSeq());
    }

    public static WriteResponse toProto(WriteResult r) {
        return WriteResponse.newBuilder()
                .setTerm(r.term())
                .setSeq(r.seq())
                .setExisted(r.existed())
                .build();
    }

    public static dev.replicagroup.replica.grpc.v1.ActiveList toProto(ActiveList list) {
        var b = dev.replicagroup.replica.grpc.v1.ActiveList.newBuilder()
                .setTerm(list.term())
                .setPrimary(list.primary());
        list.servers()
                .forEach(s -> b.addServers(dev.replicagroup.replica.grpc.v1.ServerEntry.newBuilder()
                        .setAddress(s.address())
                        .setRole(toProto(s.role()))
                        .setLiveness(s.liveness())));
        return b.build();
    }

    public static ActiveList fromProto(dev.replicagroup.replica.grpc.v1.ActiveList list) {
        return new ActiveList(
                list.getTerm(),
                list.getPrimary(),
                list.getServersList().stream()
                        .map(s -> new ServerEntry(s.getAddress(), fromProto(s.getRole()), s.getLiveness()))
                        .toList());
    }

    public static StatusResponse toProto(NodeStatus s) {
        var b = StatusResponse.newBuilder()
                .setAddress(s.address())
                .setRole(toProto(s.role()))
                .setTerm(s.term())
                .setLast(toProto(s.last()))
                .setCommitSeq(s.commitSeq())
                .setCommitTerm(s.commitTerm())
                .setAppliedSeq(s.appliedSeq())
                .setPrimary(s.primary())
                .setSyncAcks(s.syncAcks())
                .setCaughtUp(s.caughtUp())
                .setStartedAtMillis(s.startedAtMillis())
                .setProblem(s.problem())
                .setTiming(toProto(s.timing()));
        s.helpers()
                .forEach(h -> b.addHelpers(HelperInfo.newBuilder()
                        .setAddress(h.address())
                        .setAckedSeq(h.ackedSeq())
                        .setLag(h.lag())
                        .setConnected(h.connected())));
        s.liveness()
                .forEach(e -> b.addLiveness(
                        LivenessEntry.newBuilder().setAddress(e.getKey()).setLiveness(e.getValue())));
        return b.build();
    }

    public static NodeStatus fromProto(StatusResponse s) {
        return new NodeStatus(
                s.getAddress(),
                fromProto(s.getRole()),
                s.getTerm(),
                fromProto(s.getLast()),
                s.getCommitSeq(),
                s.getCommitTerm(),
                s.getAppliedSeq(),
                s.getPrimary(),
                s.getHelpersList().stream()
                        .map(h -> new NodeStatus.HelperProgress(
                                h.getAddress(), h.getAckedSeq(), h.getLag(), h.getConnected()))
                        .toList(),
                s.getLivenessList().stream()
                        .map(l -> Map.entry(l.getAddress(), l.getLiveness()))
                        .toList(),
                s.getSyncAcks(),
                s.getCaughtUp(),
                s.getStartedAtMillis(),
                s.getProblem(),
                s.hasTiming() ? fromProto(s.getTiming()) : NodeStatus.Timing.unknown());
    }

    static dev.replicagroup.replica.grpc.v1.Timing toProto(NodeStatus.Timing t) {
        return dev.replicagroup.replica.grpc.v1.Timing.newBuilder()
                .setServing(t.serving())
                .setLeaseRemainingMillis(t.leaseRemainingMillis())
                .setLastPrimary(t.lastPrimary())
                .setPrimaryContactAgeMillis(t.primaryContactAgeMillis())
                .setPrimaryLost(t.primaryLost())
                .setHeartbeatMillis(t.heartbeatMillis())
                .setLeaseMillis(t.leaseMillis())
                .setDetectionMillis(t.detectionMillis())
                .setClockDriftMillis(t.clockDriftMillis())
                .setHoldoffRemainingMillis(t.holdoffRemainingMillis())
                .build();
    }

    static NodeStatus.Timing fromProto(dev.replicagroup.replica.grpc.v1.Timing t) {
        return new NodeStatus.Timing(
                t.getServing(),
                t.getLeaseRemainingMillis(),
                t.getLastPrimary(),
                t.getPrimaryContactAgeMillis(),
                t.getPrimaryLost(),
                t.getHeartbeatMillis(),
                t.getLeaseMillis(),
                t.getDetectionMillis(),
                t.getClockDriftMillis(),
                t.getHoldoffRemainingMillis());
    }
}
