package dev.replicagroup.replica.service;

import com.google.protobuf.ByteString;
import dev.replicagroup.replica.core.CatchUp;
import dev.replicagroup.replica.core.DedupRecord;
import dev.replicagroup.replica.core.Entry;
import dev.replicagroup.replica.core.HelperTick;
import dev.replicagroup.replica.core.Message;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.Snapshot;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.Accepted;
import dev.replicagroup.replica.grpc.v1.Append;
import dev.replicagroup.replica.grpc.v1.Behind;
import dev.replicagroup.replica.grpc.v1.Join;
import dev.replicagroup.replica.grpc.v1.KeyValue;
import dev.replicagroup.replica.grpc.v1.PeerMessage;
import dev.replicagroup.replica.grpc.v1.Rejected;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts between the core protocol's messages (Join, Append with its catch-up, Accepted, Behind, Rejected) and
 * the Peer service's wire messages. The types clients also see are mapped by {@link
 * dev.replicagroup.replica.grpc.ProtoMapper}.
 */
final class PeerMessages {
    private PeerMessages() {}

    public static dev.replicagroup.replica.grpc.v1.Entry toProto(Entry e) {
        var b = dev.replicagroup.replica.grpc.v1.Entry.newBuilder()
                .setTerm(e.term())
                .setSeq(e.seq())
                .setId(ProtoMapper.toProto(e.id()));
        if (e.op() instanceof Operation.Put put) {
            b.setPut(dev.replicagroup.replica.grpc.v1.Entry.Put.newBuilder()
                    .setKey(put.key())
                    .setValue(ByteString.copyFrom(put.value())));
        } else if (e.op() instanceof Operation.Delete del) {
            b.setDel(dev.replicagroup.replica.grpc.v1.Entry.Del.newBuilder().setKey(del.key()));
        } else {
            b.setNoop(dev.replicagroup.replica.grpc.v1.Entry.Noop.getDefaultInstance());
        }
        return b.build();
    }

    public static Entry fromProto(dev.replicagroup.replica.grpc.v1.Entry e) {
        Operation op = switch (e.getOpCase()) {
            case PUT ->
                new Operation.Put(e.getPut().getKey(), e.getPut().getValue().toByteArray());
            case DEL -> new Operation.Delete(e.getDel().getKey());
            default -> new Operation.Noop();
        };
        return new Entry(e.getTerm(), e.getSeq(), ProtoMapper.fromProto(e.getId()), op);
    }

    public static dev.replicagroup.replica.grpc.v1.CatchUp toProto(CatchUp c) {
        var b = dev.replicagroup.replica.grpc.v1.CatchUp.newBuilder()
                .setAfter(ProtoMapper.toProto(c.after()))
                .setCommitSeq(c.commitSeq());
        if (c.snapshot() != null) {
            b.setSnapshot(toProto(c.snapshot()));
        }
        c.entries().forEach(e -> b.addEntries(toProto(e)));
        return b.build();
    }

    public static CatchUp fromProto(dev.replicagroup.replica.grpc.v1.CatchUp c) {
        Snapshot snapshot = c.hasSnapshot() ? fromProto(c.getSnapshot()) : null;
        List<Entry> entries =
                c.getEntriesList().stream().map(PeerMessages::fromProto).toList();
        return new CatchUp(ProtoMapper.fromProto(c.getAfter()), snapshot, entries, c.getCommitSeq());
    }

    private static dev.replicagroup.replica.grpc.v1.Snapshot toProto(Snapshot s) {
        var b = dev.replicagroup.replica.grpc.v1.Snapshot.newBuilder()
                .setLastIncluded(ProtoMapper.toProto(s.lastIncluded()));
        s.data().forEach((k, v) -> b.addData(KeyValue.newBuilder().setKey(k).setValue(ByteString.copyFrom(v))));
        for (DedupRecord r : s.dedup()) {
            b.addDedup(dev.replicagroup.replica.grpc.v1.DedupRecord.newBuilder()
                    .setClientId(r.clientId())
                    .setRequestSeq(r.requestSeq())
                    .setTerm(r.result().term())
                    .setSeq(r.result().seq())
                    .setExisted(r.result().existed()));
        }
        return b.build();
    }

    private static Snapshot fromProto(dev.replicagroup.replica.grpc.v1.Snapshot s) {
        Map<String, byte[]> data = new HashMap<>();
        s.getDataList().forEach(kv -> data.put(kv.getKey(), kv.getValue().toByteArray()));
        List<DedupRecord> dedup = s.getDedupList().stream()
                .map(r -> new DedupRecord(
                        r.getClientId(), r.getRequestSeq(), new WriteResult(r.getTerm(), r.getSeq(), r.getExisted())))
                .toList();
        return new Snapshot(ProtoMapper.fromProto(s.getLastIncluded()), data, dedup);
    }

    public static PeerMessage toProto(Message m) {
        PeerMessage.Builder b =
                PeerMessage.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term());
        if (m instanceof Message.Join j) {
            b.setJoin(Join.newBuilder().setLast(ProtoMapper.toProto(j.last())).setCommitSeq(j.commitSeq()));
        } else if (m instanceof Message.Append a) {
            Append.Builder append = Append.newBuilder().setSentAt(a.sentAt()).setUpdate(toProto(a.update()));
            if (a.servers() != null) {
                append.setServers(ProtoMapper.toProto(a.servers()));
            }
            if (a.freshAsOf() != null) {
                append.setFreshAsOf(toProto(a.freshAsOf()));
            }
            b.setAppend(append);
        } else if (m instanceof Message.Accepted a) {
            b.setAccepted(Accepted.newBuilder()
                    .setEcho(a.echo())
                    .setMatched(ProtoMapper.toProto(a.matched()))
                    .setSentAt(toProto(a.sentAt())));
        } else if (m instanceof Message.Behind be) {
            b.setBehind(Behind.newBuilder()
                    .setEcho(be.echo())
                    .setLast(ProtoMapper.toProto(be.last()))
                    .setCommitSeq(be.commitSeq()));
        } else if (m instanceof Message.Rejected r) {
            b.setRejected(Rejected.newBuilder().setPrimary(r.primary()).setReason(r.reason()));
        }
        return b.build();
    }

    private static dev.replicagroup.replica.grpc.v1.HelperTick toProto(HelperTick t) {
        return dev.replicagroup.replica.grpc.v1.HelperTick.newBuilder()
                .setIncarnation(t.incarnation())
                .setTick(t.tick())
                .build();
    }

    private static HelperTick fromProto(dev.replicagroup.replica.grpc.v1.HelperTick t) {
        return new HelperTick(t.getIncarnation(), t.getTick());
    }

    /** The message, or empty for a body this version does not know. */
    public static Optional<Message> fromProto(PeerMessage m) {
        String from = m.getFrom();
        String to = m.getTo();
        long term = m.getTerm();
        return Optional.ofNullable(
                switch (m.getBodyCase()) {
                    case JOIN ->
                        new Message.Join(
                                from,
                                to,
                                term,
                                ProtoMapper.fromProto(m.getJoin().getLast()),
                                m.getJoin().getCommitSeq());
                    case APPEND ->
                        new Message.Append(
                                from,
                                to,
                                term,
                                m.getAppend().getSentAt(),
                                fromProto(m.getAppend().getUpdate()),
                                m.getAppend().hasServers()
                                        ? ProtoMapper.fromProto(m.getAppend().getServers())
                                        : null,
                                m.getAppend().hasFreshAsOf()
                                        ? fromProto(m.getAppend().getFreshAsOf())
                                        : null);
                    case ACCEPTED ->
                        new Message.Accepted(
                                from,
                                to,
                                term,
                                m.getAccepted().getEcho(),
                                ProtoMapper.fromProto(m.getAccepted().getMatched()),
                                m.getAccepted().hasSentAt()
                                        ? fromProto(m.getAccepted().getSentAt())
                                        : null);
                    case BEHIND ->
                        new Message.Behind(
                                from,
                                to,
                                term,
                                m.getBehind().getEcho(),
                                ProtoMapper.fromProto(m.getBehind().getLast()),
                                m.getBehind().getCommitSeq());
                    case REJECTED ->
                        new Message.Rejected(
                                from,
                                to,
                                term,
                                m.getRejected().getPrimary(),
                                m.getRejected().getReason());
                    case BODY_NOT_SET -> null;
                });
    }
}
