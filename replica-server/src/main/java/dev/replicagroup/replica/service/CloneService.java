package dev.replicagroup.replica.service;

import com.google.protobuf.ByteString;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.ActiveList;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.DeleteRequest;
import dev.replicagroup.replica.grpc.v1.EchoRequest;
import dev.replicagroup.replica.grpc.v1.EchoResponse;
import dev.replicagroup.replica.grpc.v1.GetRequest;
import dev.replicagroup.replica.grpc.v1.GetResponse;
import dev.replicagroup.replica.grpc.v1.GetServersRequest;
import dev.replicagroup.replica.grpc.v1.KeyValue;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.replication.ReadResult;
import dev.replicagroup.replica.replication.ReplicaNode;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The client service: ECHO, writes to the primary, reads, GETSERVERS and its watch. */
final class CloneService extends CloneGrpc.CloneImplBase {
    private final ReplicaNode node;
    private final Replies replies;
    private final ServersWatch watch;

    CloneService(ReplicaNode node, RequestMetrics metrics, ServersWatch watch) {
        this.node = node;
        this.replies = new Replies(metrics);
        this.watch = watch;
    }

    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        replies.reply(
                "echo",
                CompletableFuture.completedFuture(request.getText()),
                text -> EchoResponse.newBuilder()
                        .setText(text)
                        .setServer(node.address())
                        .build(),
                out);
    }

    @Override
    public void put(PutRequest request, StreamObserver<WriteResponse> out) {
        Operation op = new Operation.Put(request.getKey(), request.getValue().toByteArray());
        replies.reply("put", node.write(ProtoMapper.fromProto(request.getId()), op), ProtoMapper::toProto, out);
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<WriteResponse> out) {
        Operation op = new Operation.Delete(request.getKey());
        replies.reply("delete", node.write(ProtoMapper.fromProto(request.getId()), op), ProtoMapper::toProto, out);
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> out) {
        List<String> keys = request.getKeysList();
        Duration maxStaleness = Duration.ofMillis(Integer.toUnsignedLong(request.getMaxStalenessMillis()));
        replies.reply("get", node.read(keys, maxStaleness), result -> toProto(keys, result), out);
    }

    private static GetResponse toProto(List<String> keys, ReadResult result) {
        GetResponse.Builder b = GetResponse.newBuilder()
                .setAppliedSeq(result.appliedSeq())
                .setStalenessMillis((int) Math.min(Integer.MAX_VALUE, result.stalenessMillis()));
        for (int i = 0; i < keys.size(); i++) {
            KeyValue.Builder kv = KeyValue.newBuilder().setKey(keys.get(i));
            result.values().get(i).ifPresent(v -> kv.setFound(true).setValue(ByteString.copyFrom(v)));
            b.addValues(kv);
        }
        return b.build();
    }

    @Override
    public void getServers(GetServersRequest request, StreamObserver<ActiveList> out) {
        replies.reply("get_servers", node.servers(), ProtoMapper::toProto, out);
    }

    @Override
    public void watchServers(GetServersRequest request, StreamObserver<ActiveList> out) {
        watch.watch(out);
    }
}
