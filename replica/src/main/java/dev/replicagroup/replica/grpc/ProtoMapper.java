package dev.replicagroup.replica.grpc;

import com.google.protobuf.ByteString;
import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.CatchUp;
import dev.replicagroup.replica.core.DedupRecord;
import dev.replicagroup.replica.core.Entry;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Message;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.ServerEntry;
import dev.replicagroup.replica.core.Snapshot;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.grpc.v1.HelperInfo;
import dev.replicagroup.replica.grpc.v1.Accepted;
import dev.replicagroup.replica.grpc.v1.Append;
import dev.replicagroup.replica.grpc.v1.Behind;
import dev.replicagroup.replica.grpc.v1.Join;
import dev.replicagroup.replica.grpc.v1.PeerMessage;
import dev.replicagroup.replica.grpc.v1.Rejected;
import dev.replicagroup.replica.grpc.v1.KeyValue;
import dev.replicagroup.replica.grpc.v1.LivenessEntry;
import dev.replicagroup.replica.grpc.v1.StatusResponse;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.replication.NodeStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Converts between the engine's types and the wire messages. */
public final class ProtoMapper {
    private ProtoMapper() {
    }

    public static dev.replicagroup.replica.grpc.v1.LogPosition toProto(LogPosition p) {
        return dev.replicagroup.replica.grpc.v1.LogPosition.newBuilder().setTerm(p.term()).setSeq(p.seq()).build();
    }

    public static LogPosition fromProto(dev.replicagroup.replica.grpc.v1.LogPosition p) {
        return new LogPosition(p.getTerm(), p.getSeq());
    }

    public static dev.replicagroup.replica.grpc.v1.Role toProto(Role role) {
        return dev.replicagroup.replica.grpc.v1.Role.valueOf(role.name());
    }

    public static Role fromProto(dev.replicagroup.replica.grpc.v1.Role role) {
        return role == dev.replicagroup.replica.grpc.v1.Role.ROLE_UNKNOWN
                || role == dev.replicagroup.replica.grpc.v1.Role.UNRECOGNIZED ? Role.HELPER : Role.valueOf(role.name());
    }

    public static dev.replicagroup.replica.grpc.v1.WriteId toProto(WriteId id) {
        return dev.replicagroup.replica.grpc.v1.WriteId.newBuilder()
                .setClientId(id.clientId()).setRequestSeq(id.requestSeq()).build();
    }

    public static WriteId fromProto(dev.replicagroup.replica.grpc.v1.WriteId id) {
        return new WriteId(id.getClientId(), id.getRequestSeq());
    }

    public static WriteResponse toProto(WriteResult r) {
        return WriteResponse.newBuilder().setTerm(r.term()).setSeq(r.seq()).setExisted(r.existed()).build();
    }

    public static dev.replicagroup.replica.grpc.v1.Entry toProto(Entry e) {
        var b = dev.replicagroup.replica.grpc.v1.Entry.newBuilder()
                .setTerm(e.term()).setSeq(e.seq()).setId(toProto(e.id()));
        if (e.op() instanceof Operation.Put put) {
            b.setPut(dev.replicagroup.replica.grpc.v1.Entry.Put.newBuilder()
                    .setKey(put.key()).setValue(ByteString.copyFrom(put.value())));
        } else if (e.op() instanceof Operation.Delete del) {
            b.setDel(dev.replicagroup.replica.grpc.v1.Entry.Del.newBuilder().setKey(del.key()));
        } else {
            b.setNoop(dev.replicagroup.replica.grpc.v1.Entry.Noop.getDefaultInstance());
        }
        return b.build();
    }

    public static Entry fromProto(dev.replicagroup.replica.grpc.v1.Entry e) {
        Operation op = switch (e.getOpCase()) {
            case PUT -> new Operation.Put(e.getPut().getKey(), e.getPut().getValue().toByteArray());
            case DEL -> new Operation.Delete(e.getDel().getKey());
            default -> new Operation.Noop();
        };
        return new Entry(e.getTerm(), e.getSeq(), fromProto(e.getId()), op);
    }

    public static dev.replicagroup.replica.grpc.v1.CatchUp toProto(CatchUp c) {
        var b = dev.replicagroup.replica.grpc.v1.CatchUp.newBuilder()
                .setAfter(toProto(c.after())).setCommitSeq(c.commitSeq());
        if (c.snapshot() != null) {
            b.setSnapshot(toProto(c.snapshot()));
        }
        c.entries().forEach(e -> b.addEntries(toProto(e)));
        return b.build();
    }

    public static CatchUp fromProto(dev.replicagroup.replica.grpc.v1.CatchUp c) {
        Snapshot snapshot = c.hasSnapshot() ? fromProto(c.getSnapshot()) : null;
        List<Entry> entries = c.getEntriesList().stream().map(ProtoMapper::fromProto).toList();
        return new CatchUp(fromProto(c.getAfter()), snapshot, entries, c.getCommitSeq());
    }

    private static dev.replicagroup.replica.grpc.v1.Snapshot toProto(Snapshot s) {
        var b = dev.replicagroup.replica.grpc.v1.Snapshot.newBuilder().setLastIncluded(toProto(s.lastIncluded()));
        s.data().forEach((k, v) -> b.addData(KeyValue.newBuilder().setKey(k).setValue(ByteString.copyFrom(v))));
        for (DedupRecord r : s.dedup()) {
            b.addDedup(dev.replicagroup.replica.grpc.v1.DedupRecord.newBuilder()
                    .setClientId(r.clientId()).setRequestSeq(r.requestSeq())
                    .setTerm(r.result().term()).setSeq(r.result().seq()).setExisted(r.result().existed()));
        }
        return b.build();
    }

    private static Snapshot fromProto(dev.replicagroup.replica.grpc.v1.Snapshot s) {
        Map<String, byte[]> data = new HashMap<>();
        s.getDataList().forEach(kv -> data.put(kv.getKey(), kv.getValue().toByteArray()));
        List<DedupRecord> dedup = s.getDedupList().stream()
                .map(r -> new DedupRecord(r.getClientId(), r.getRequestSeq(),
                        new WriteResult(r.getTerm(), r.getSeq(), r.getExisted())))
                .toList();
        return new Snapshot(fromProto(s.getLastIncluded()), data, dedup);
    }

    public static dev.replicagroup.replica.grpc.v1.ActiveList toProto(ActiveList list) {
        var b = dev.replicagroup.replica.grpc.v1.ActiveList.newBuilder()
                .setTerm(list.term()).setPrimary(list.primary());
        list.servers().forEach(s -> b.addServers(dev.replicagroup.replica.grpc.v1.ServerEntry.newBuilder()
                .setAddress(s.address()).setRole(toProto(s.role())).setLiveness(s.liveness())));
        return b.build();
    }

    public static ActiveList fromProto(dev.replicagroup.replica.grpc.v1.ActiveList list) {
        return new ActiveList(list.getTerm(), list.getPrimary(), list.getServersList().stream()
                .map(s -> new ServerEntry(s.getAddress(), fromProto(s.getRole()), s.getLiveness()))
                .toList());
    }

    public static PeerMessage toProto(Message m) {
        PeerMessage.Builder b = PeerMessage.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term());
        if (m instanceof Message.Join j) {
            b.setJoin(Join.newBuilder().setLast(toProto(j.last())).setCommitSeq(j.commitSeq()));
        } else if (m instanceof Message.Append a) {
            Append.Builder append = Append.newBuilder().setSentAt(a.sentAt()).setUpdate(toProto(a.update()));
            if (a.servers() != null) {
                append.setServers(toProto(a.servers()));
            }
            b.setAppend(append);
        } else if (m instanceof Message.Accepted a) {
            b.setAccepted(Accepted.newBuilder().setEcho(a.echo()).setMatched(toProto(a.matched())));
        } else if (m instanceof Message.Behind be) {
            b.setBehind(Behind.newBuilder().setEcho(be.echo()).setLast(toProto(be.last())).setCommitSeq(be.commitSeq()));
        } else if (m instanceof Message.Rejected r) {
            b.setRejected(Rejected.newBuilder().setPrimary(r.primary()).setReason(r.reason()));
        }
        return b.build();
    }

    /** The message, or empty for a body this version does not know. */
    public static Optional<Message> fromProto(PeerMessage m) {
        String from = m.getFrom();
        String to = m.getTo();
        long term = m.getTerm();
        return Optional.ofNullable(switch (m.getBodyCase()) {
            case JOIN -> new Message.Join(from, to, term, fromProto(m.getJoin().getLast()), m.getJoin().getCommitSeq());
            case APPEND -> new Message.Append(from, to, term, m.getAppend().getSentAt(),
                    fromProto(m.getAppend().getUpdate()),
                    m.getAppend().hasServers() ? fromProto(m.getAppend().getServers()) : null);
            case ACCEPTED -> new Message.Accepted(from, to, term, m.getAccepted().getEcho(),
                    fromProto(m.getAccepted().getMatched()));
            case BEHIND -> new Message.Behind(from, to, term, m.getBehind().getEcho(), fromProto(m.getBehind().getLast()),
                    m.getBehind().getCommitSeq());
            case REJECTED -> new Message.Rejected(from, to, term, m.getRejected().getPrimary(),
                    m.getRejected().getReason());
            case BODY_NOT_SET -> null;
        });
    }

    public static StatusResponse toProto(NodeStatus s) {
        var b = StatusResponse.newBuilder()
                .setAddress(s.address()).setRole(toProto(s.role())).setTerm(s.term()).setLast(toProto(s.last()))
                .setCommitSeq(s.commitSeq()).setCommitTerm(s.commitTerm()).setAppliedSeq(s.appliedSeq()).setPrimary(s.primary())
                .setSyncAcks(s.syncAcks()).setCaughtUp(s.caughtUp()).setStartedAtMillis(s.startedAtMillis())
                .setProblem(s.problem()).setTiming(toProto(s.timing()));
        s.helpers().forEach(h -> b.addHelpers(HelperInfo.newBuilder().setAddress(h.address())
                .setAckedSeq(h.ackedSeq()).setLag(h.lag()).setConnected(h.connected())));
        s.liveness().forEach(e -> b.addLiveness(LivenessEntry.newBuilder()
                .setAddress(e.getKey()).setLiveness(e.getValue())));
        return b.build();
    }

    public static NodeStatus fromProto(StatusResponse s) {
        return new NodeStatus(s.getAddress(), fromProto(s.getRole()), s.getTerm(), fromProto(s.getLast()),
                s.getCommitSeq(), s.getCommitTerm(), s.getAppliedSeq(), s.getPrimary(),
                s.getHelpersList().stream().map(h -> new NodeStatus.HelperProgress(h.getAddress(),
                        h.getAckedSeq(), h.getLag(), h.getConnected())).toList(),
                s.getLivenessList().stream().map(l -> Map.entry(l.getAddress(), l.getLiveness())).toList(),
                s.getSyncAcks(), s.getCaughtUp(), s.getStartedAtMillis(), s.getProblem(),
                s.hasTiming() ? fromProto(s.getTiming()) : NodeStatus.Timing.unknown());
    }

    static dev.replicagroup.replica.grpc.v1.Timing toProto(NodeStatus.Timing t) {
        return dev.replicagroup.replica.grpc.v1.Timing.newBuilder().setServing(t.serving())
                .setLeaseRemainingMillis(t.leaseRemainingMillis()).setLastPrimary(t.lastPrimary())
                .setPrimaryContactAgeMillis(t.primaryContactAgeMillis()).setPrimaryLost(t.primaryLost())
                .setHeartbeatMillis(t.heartbeatMillis()).setLeaseMillis(t.leaseMillis())
                .setDetectionMillis(t.detectionMillis()).setClockDriftMillis(t.clockDriftMillis())
                .setHoldoffRemainingMillis(t.holdoffRemainingMillis()).build();
    }

    static NodeStatus.Timing fromProto(dev.replicagroup.replica.grpc.v1.Timing t) {
        return new NodeStatus.Timing(t.getServing(), t.getLeaseRemainingMillis(), t.getLastPrimary(),
                t.getPrimaryContactAgeMillis(), t.getPrimaryLost(), t.getHeartbeatMillis(), t.getLeaseMillis(),
                t.getDetectionMillis(), t.getClockDriftMillis(), t.getHoldoffRemainingMillis());
    }
}
