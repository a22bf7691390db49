package dev.replicagroup.replica.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.v1.DeleteRequest;
import dev.replicagroup.replica.grpc.v1.FenceRequest;
import dev.replicagroup.replica.grpc.v1.GetRequest;
import dev.replicagroup.replica.grpc.v1.Join;
import dev.replicagroup.replica.grpc.v1.LogPosition;
import dev.replicagroup.replica.grpc.v1.PeerMessage;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteId;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.Status;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mutated protobuf bytes against a real replica's Clone and Admin methods and the Peer service's messages decoded
 * in process: every answer is one of the clear statuses (never UNKNOWN or INTERNAL), decoding never throws
 * anything but a parse error, and the primary serves afterwards. Seeds 1, 2, ... until {@code -Dfuzz.millis}
 * (default 3000) pass; a failure names its seed, which {@code -Dfuzz.seed=N} replays alone.
 */
class RequestFuzzTest {
    static final String TOKEN = "group-token";
    static final Set<Code> CLEAR =
            Set.of(Code.OK, Code.INVALID_ARGUMENT, Code.FAILED_PRECONDITION, Code.UNAVAILABLE, Code.UNAUTHENTICATED);
    static final List<String> METHODS = List.of(
            "replicagroup.v1.Clone/Put",
            "replicagroup.v1.Clone/Delete",
            "replicagroup.v1.Clone/Get",
            "replicagroup.v1.Clone/Echo",
            "replicagroup.v1.Admin/Fence",
            "replicagroup.v1.Admin/Promote");

    final Channels channels = new Channels();
    ReplicaServer primary;
    ReplicaServer helper;

    @AfterEach
    void stop() {
        channels.close();
        if (helper != null) {
            helper.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @Test
    void mutatedRequestsGetClearStatusesAndTheReplicaServesOn() throws Exception {
        primary = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), "", 1, TOKEN));
        helper = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), primary.address(), 1, TOKEN));
        await().atMost(Duration.ofSeconds(10)).until(() -> put("before", 0).isOk());

        String replay = System.getProperty("fuzz.seed");
        long until = System.nanoTime()
                + Duration.ofMillis(Long.getLong("fuzz.millis", 3000)).toNanos();
        long seed = replay == null ? 1 : Long.parseLong(replay);
        int calls = 0;
        do {
            Random random = new Random(seed);
            String method = METHODS.get(random.nextInt(METHODS.size()));
            byte[] request = mutate(valid(method, random), random);
            // Admin calls go without the token: a mutated Fence or Promote must not get through to the engine.
            Status status = RawCalls.call(channels.to(primary.address()), method, request, null);
            String replayHint = " (seed " + seed + ", " + method + "; replay: -Dfuzz.seed=" + seed + ")";
            assertTrue(CLEAR.contains(status.getCode()), status + replayHint);
            if (method.contains("Admin")) {
                assertEquals(Code.UNAUTHENTICATED, status.getCode(), status + replayHint);
            }
            decodePeerMessage(mutate(peerMessage(random), random), replayHint);
            calls++;
            seed++;
        } while (replay == null && System.nanoTime() < until);

        assertTrue(calls > 0);
        assertTrue(put("after", 1).isOk(), "the primary stopped taking writes after the fuzzed requests");
        assertEquals(primary.address(), helper.node().view().primary(), "the group changed its primary");
    }

    private static void decodePeerMessage(byte[] bytes, String replayHint) {
        PeerMessage message;
        try {
            message = PeerMessage.parseFrom(bytes);
        } catch (InvalidProtocolBufferException expected) {
            return;
        }
        try {
            PeerMessages.fromProto(message);
        } catch (RuntimeException e) {
            throw new AssertionError("decoding a peer message threw " + e + replayHint, e);
        }
    }

    private static byte[] valid(String method, Random random) {
        WriteId id = WriteId.newBuilder()
                .setClientId("fuzz")
                .setRequestSeq(random.nextInt(1000))
                .build();
        return switch (method.substring(method.indexOf('/') + 1)) {
            case "Put" ->
                PutRequest.newBuilder()
                        .setId(id)
                        .setKey("k" + random.nextInt(50))
                        .setValue(ByteString.copyFrom(bytes(random, random.nextInt(64))))
                        .build()
                        .toByteArray();
            case "Delete" ->
                DeleteRequest.newBuilder()
                        .setId(id)
                        .setKey("k" + random.nextInt(50))
                        .build()
                        .toByteArray();
            case "Get" ->
                GetRequest.newBuilder()
                        .addKeys("k" + random.nextInt(50))
                        .addKeys("before")
                        .build()
                        .toByteArray();
            case "Fence" ->
                FenceRequest.newBuilder().setTerm(random.nextInt(5)).build().toByteArray();
            default -> bytes(random, random.nextInt(16));
        };
    }

    private static byte[] peerMessage(Random random) {
        return PeerMessage.newBuilder()
                .setFrom("127.0.0.1:" + random.nextInt(65536))
                .setTo("127.0.0.1:1")
                .setTerm(random.nextLong())
                .setJoin(Join.newBuilder()
                        .setLast(LogPosition.newBuilder()
                                .setTerm(random.nextLong())
                                .setSeq(random.nextLong()))
                        .setCommitSeq(random.nextLong()))
                .build()
                .toByteArray();
    }

    /** One to four edits: a flipped byte, a cut, random bytes inserted, or a varint's high bits set. */
    private static byte[] mutate(byte[] input, Random random) {
        byte[] out = input;
        for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
            int at = out.length == 0 ? 0 : random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (out.length > 0) {
                        out = out.clone();
                        out[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> out = Arrays.copyOf(out, at);
                case 2 -> {
                    byte[] inserted = bytes(random, 1 + random.nextInt(8));
                    byte[] grown = new byte[out.length + inserted.length];
                    System.arraycopy(out, 0, grown, 0, at);
                    System.arraycopy(inserted, 0, grown, at, inserted.length);
                    System.arraycopy(out, at, grown, at + inserted.length, out.length - at);
                    out = grown;
                }
                default -> {
                    if (out.length > 0) {
                        out = out.clone();
                        out[at] |= (byte) 0x80;
                    }
                }
            }
        }
        return out;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private Status put(String key, long seq) {
        return RawCalls.call(
                channels.to(primary.address()),
                "replicagroup.v1.Clone/Put",
                PutRequest.newBuilder()
                        .setId(WriteId.newBuilder().setClientId("fuzz-check").setRequestSeq(seq + 1))
                        .setKey(key)
                        .setValue(ByteString.copyFromUtf8(key))
                        .build()
                        .toByteArray(),
                null);
    }
}
