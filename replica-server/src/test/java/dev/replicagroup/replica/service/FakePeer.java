package dev.replicagroup.replica.service;

import dev.replicagroup.replica.grpc.AdminToken;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.v1.Accepted;
import dev.replicagroup.replica.grpc.v1.Append;
import dev.replicagroup.replica.grpc.v1.Join;
import dev.replicagroup.replica.grpc.v1.LogPosition;
import dev.replicagroup.replica.grpc.v1.PeerGrpc;
import dev.replicagroup.replica.grpc.v1.PeerMessage;
import dev.replicagroup.replica.grpc.v1.SendSummary;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attacker: no replica, only a gRPC client and server that speak the Peer protocol. It sends HERETOHELP
 * (Join) to a primary and acks every update it gets with Accepted, storing nothing. With {@code token} null its
 * streams carry no token.
 */
final class FakePeer implements AutoCloseable {
    final String address;
    /** How the stream to the primary ended: its status (OK when it is still open at close). */
    final CompletableFuture<Status> outcome = new CompletableFuture<>();
    /** Updates (Appends) the primary sent it. */
    final AtomicInteger appends = new AtomicInteger();

    private final String primary;
    private final Channels channels;
    private final Server server;
    private final StreamObserver<PeerMessage> toPrimary;

    FakePeer(String primary, String token) throws IOException {
        this(primary, token, ChannelSecurity.plaintext());
    }

    /** With {@code security}: TLS to the primary, with or without a certificate of its own. */
    FakePeer(String primary, String token, ChannelSecurity security) throws IOException {
        this.primary = primary;
        this.channels = new Channels(security);
        int port = FreePorts.next();
        this.address = "127.0.0.1:" + port;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .addService(new Inbox())
                .directExecutor()
                .build()
                .start();
        Metadata headers = token == null ? new Metadata() : AdminToken.headers(token);
        this.toPrimary = PeerGrpc.newStub(channels.to(primary))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .send(new StreamObserver<>() {
                    @Override
                    public void onNext(SendSummary value) {}

                    @Override
                    public void onError(Throwable t) {
                        outcome.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        outcome.complete(Status.OK);
                    }
                });
    }

    /** HERETOHELP from an empty log, in {@code term}. */
    synchronized void join(long term) {
        send(PeerMessage.newBuilder()
                .setFrom(address)
                .setTo(primary)
                .setTerm(term)
                .setJoin(Join.newBuilder().setLast(LogPosition.getDefaultInstance())));
    }

    synchronized void send(PeerMessage.Builder message) {
        if (!outcome.isDone()) {
            toPrimary.onNext(message.build());
        }
    }

    /** Receives the primary's updates and acks each as if it held it. */
    private final class Inbox extends PeerGrpc.PeerImplBase {
        @Override
        public StreamObserver<PeerMessage> send(StreamObserver<SendSummary> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(PeerMessage m) {
                    if (!m.hasAppend()) {
                        return;
                    }
                    appends.incrementAndGet();
                    Append append = m.getAppend();
                    var update = append.getUpdate();
                    LogPosition end = update.getEntriesCount() == 0
                            ? update.getAfter()
                            : LogPosition.newBuilder()
                                    .setTerm(update.getEntries(update.getEntriesCount() - 1)
                                            .getTerm())
                                    .setSeq(update.getEntries(update.getEntriesCount() - 1)
                                            .getSeq())
                                    .build();
                    FakePeer.this.send(PeerMessage.newBuilder()
                            .setFrom(address)
                            .setTo(primary)
                            .setTerm(m.getTerm())
                            .setAccepted(Accepted.newBuilder()
                                    .setEcho(append.getSentAt())
                                    .setMatched(end)));
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    out.onNext(SendSummary.getDefaultInstance());
                    out.onCompleted();
                }
            };
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!outcome.isDone()) {
                toPrimary.onCompleted();
            }
        }
        outcome.complete(Status.OK);
        channels.close();
        server.shutdownNow();
    }
}
