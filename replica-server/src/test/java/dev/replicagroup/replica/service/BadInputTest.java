package dev.replicagroup.replica.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.DeleteRequest;
import dev.replicagroup.replica.grpc.v1.FenceRequest;
import dev.replicagroup.replica.grpc.v1.FollowRequest;
import dev.replicagroup.replica.grpc.v1.GetRequest;
import dev.replicagroup.replica.grpc.v1.GetResponse;
import dev.replicagroup.replica.grpc.v1.PromoteRequest;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.StatusRequest;
import dev.replicagroup.replica.grpc.v1.WriteId;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.Status.Code;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input on a real replica's port (a primary with one helper, --sync-acks 1): each gets a clear status or a
 * closed connection, and after each the primary still serves and every write acknowledged before is still there.
 */
class BadInputTest {
    static final String TOKEN = "group-token";
    static final String CLONE = "replicagroup.v1.Clone/";
    static final String ADMIN = "replicagroup.v1.Admin/";

    static ReplicaServer primary;
    static ReplicaServer helper;
    static final Channels channels = new Channels();
    static final List<String> acknowledged = new ArrayList<>();
    static long requestSeq;

    @BeforeAll
    static void startGroup() throws Exception {
        primary = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), "", 1, TOKEN));
        helper = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), primary.address(), 1, TOKEN));
        await().atMost(Duration.ofSeconds(10)).until(() -> putOk("before"));
    }

    @AfterAll
    static void stopGroup() {
        channels.close();
        helper.close();
        primary.close();
    }

    /** Every case: the primary still takes writes, and nothing it acknowledged is gone. */
    @AfterEach
    void stillServingAndNothingLost() throws Exception {
        assertTrue(putOk("after"), "the primary stopped taking writes");
        GetResponse values = CloneGrpc.newBlockingStub(channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .get(GetRequest.newBuilder().addAllKeys(acknowledged).build());
        for (int i = 0; i < acknowledged.size(); i++) {
            assertTrue(values.getValues(i).getFound(), "acknowledged " + acknowledged.get(i) + " is gone");
            assertArrayEquals(
                    acknowledged.get(i).getBytes(StandardCharsets.UTF_8),
                    values.getValues(i).getValue().toByteArray());
        }
    }

    @Test
    void anOversizedKeyNamesTheLimit() {
        Status status = put("k".repeat(1025), new byte[1]);
        assertRefused(status, Code.INVALID_ARGUMENT, "1025 bytes; the limit is 1024 bytes");
    }

    @Test
    void anOversizedValueNamesTheLimit() {
        Status status = put("big", new byte[1024 * 1024 + 1]);
        assertRefused(status, Code.INVALID_ARGUMENT, "the limit is 1048576 bytes (1 MiB)");
    }

    @Test
    void anEmptyKeyIsRefusedForPutAndDelete() {
        assertRefused(put("", new byte[1]), Code.INVALID_ARGUMENT, "the key is empty");
        Status delete = RawCalls.call(
                channel(),
                CLONE + "Delete",
                DeleteRequest.newBuilder().setId(nextId()).build().toByteArray(),
                null);
        assertRefused(delete, Code.INVALID_ARGUMENT, "the key is empty");
    }

    @Test
    void aKeyThatIsNotUtf8IsRefused() {
        // PutRequest{key (field 2) = 0xC3 0x28, an invalid two-byte sequence}: no Java String can hold it, so it is
        // written by hand.
        byte[] request = {0x12, 0x02, (byte) 0xC3, 0x28};
        assertRefused(RawCalls.call(channel(), CLONE + "Put", request, null), Code.INVALID_ARGUMENT, "UTF-8");
        assertRefused(
                RawCalls.call(channel(), CLONE + "Get", new byte[] {0x0A, 0x02, (byte) 0xC3, 0x28}, null),
                Code.INVALID_ARGUMENT,
                "UTF-8");
    }

    @Test
    void bytesThatAreNoProtobufAreRefused() {
        byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x02};
        assertRefused(RawCalls.call(channel(), CLONE + "Put", garbage, null), Code.INVALID_ARGUMENT, "PutRequest");
    }

    @Test
    void adminCallsWithoutOrWithAWrongTokenAreUnauthenticated() {
        byte[] status = StatusRequest.getDefaultInstance().toByteArray();
        assertRefused(RawCalls.call(channel(), ADMIN + "Status", status, null), Code.UNAUTHENTICATED, "token");
        assertRefused(
                RawCalls.call(channel(), ADMIN + "Status", status, "wrong"), Code.UNAUTHENTICATED, "wrong admin token");
        assertRefused(
                RawCalls.call(
                        channel(),
                        ADMIN + "Fence",
                        FenceRequest.newBuilder().setTerm(99).build().toByteArray(),
                        null),
                Code.UNAUTHENTICATED,
                "token");
        assertEquals(1, primary.node().view().term(), "an unauthenticated fence changed the term");
    }

    @Test
    void adminCommandsWithAStaleOrUnknownTermAreRefusedAndChangeNothing() {
        long term = primary.node().view().term();
        assertRefused(
                RawCalls.call(
                        channel(),
                        ADMIN + "Promote",
                        PromoteRequest.newBuilder().setTerm(term - 1).build().toByteArray(),
                        TOKEN),
                Code.FAILED_PRECONDITION,
                "term");
        assertRefused(
                RawCalls.call(
                        channel(),
                        ADMIN + "Fence",
                        FenceRequest.newBuilder().setTerm(term - 1).build().toByteArray(),
                        TOKEN),
                Code.FAILED_PRECONDITION,
                "term");
        assertRefused(
                RawCalls.call(
                        channels.to(helper.address()),
                        ADMIN + "Follow",
                        FollowRequest.newBuilder()
                                .setPrimary(primary.address())
                                .setTerm(term - 1)
                                .build()
                                .toByteArray(),
                        TOKEN),
                Code.FAILED_PRECONDITION,
                "term");
        assertEquals(term, primary.node().view().term());
        assertEquals(primary.address(), helper.node().view().primary());
    }

    @Test
    void garbageBytesOnThePortCloseTheConnection() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(11).nextBytes(garbage);
        assertClosed(garbage);
    }

    @Test
    void anHttp1RequestOnThePortGetsNoHttp1AnswerAndIsClosed() throws Exception {
        assertClosed("GET / HTTP/1.1\r\nHost: replica\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** The server closes the connection: a read ends (or is reset) well before the timeout, with nothing HTTP/1. */
    private static void assertClosed(byte[] bytes) throws Exception {
        String[] hostPort = primary.address().split(":", -1);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = new byte[65536];
            int total = 0;
            try {
                for (int n; (n = in.read(answer, total, answer.length - total)) > 0; ) {
                    total += n;
                }
            } catch (SocketException reset) {
                // Closed with a reset: as good as a close.
            }
            String text = new String(answer, 0, total, StandardCharsets.ISO_8859_1);
            assertTrue(!text.startsWith("HTTP/1"), "answered in HTTP/1: " + text);
        }
    }

    private static void assertRefused(Status status, Code code, String says) {
        assertEquals(code, status.getCode(), status.toString());
        assertTrue(status.getDescription() != null && status.getDescription().contains(says), status.toString());
    }

    private static Status put(String key, byte[] value) {
        return RawCalls.call(
                channel(),
                CLONE + "Put",
                PutRequest.newBuilder()
                        .setId(nextId())
                        .setKey(key)
                        .setValue(ByteString.copyFrom(value))
                        .build()
                        .toByteArray(),
                null);
    }

    private static boolean putOk(String prefix) {
        String key = prefix + "-" + (requestSeq + 1);
        Status status = put(key, key.getBytes(StandardCharsets.UTF_8));
        if (status.isOk()) {
            acknowledged.add(key);
        }
        return status.isOk();
    }

    private static synchronized WriteId nextId() {
        return WriteId.newBuilder()
                .setClientId("bad-input")
                .setRequestSeq(++requestSeq)
                .build();
    }

    private static Channel channel() {
        return channels.to(primary.address());
    }
}
