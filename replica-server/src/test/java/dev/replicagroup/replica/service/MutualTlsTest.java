package dev.replicagroup.replica.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.EchoRequest;
import dev.replicagroup.replica.replication.NodeConfig;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.testing.FreePorts;
import dev.replicagroup.replica.testing.TestTls;
import dev.replicagroup.replica.tls.CertificateAuthority;
import dev.replicagroup.replica.tls.Pem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group on loopback with TLS on its ports: clients trust the group's CA, members present the group's certificate
 * to each other (a helper's acks reach the primary only so), and a caller with the token but without a member
 * certificate, or with one for another group, is not a peer. A certificate rewritten in place is served to new
 * connections while the open streams go on.
 */
class MutualTlsTest {
    static final String TOKEN = "group-token";
    static final String PEER_NAME = "demo-peers.ns.svc";
    static final List<String> NAMES = List.of(PEER_NAME, "demo.ns.svc");
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    final CertificateAuthority ca = CertificateAuthority.create("demo CA", Duration.ofDays(30), Instant.now());
    final List<ReplicaServer> servers = new ArrayList<>();
    TestTls files;
    ChannelSecurity client;

    @BeforeEach
    void issue() throws IOException {
        files = new TestTls(dir).issue(ca, NAMES);
        client = ChannelSecurity.trusting(ca.certificatePem(), "demo.ns.svc");
    }

    @AfterEach
    void stop() {
        servers.forEach(ReplicaServer::close);
    }

    ReplicaServer start(String tbc, int healthPort) throws IOException {
        ServerOptions options = ServerOptions.loopback(FreePorts.next(), tbc, 1, TOKEN)
                .withNode(NodeConfig.defaults().withWriteTimeout(WRITE_TIMEOUT))
                .withTls(files.options(PEER_NAME), healthPort);
        ReplicaServer server = ReplicaServer.start(options);
        servers.add(server);
        return server;
    }

    ReplicaClient connect(ReplicaServer server) {
        return ReplicaClient.connect(
                List.of(server.address()),
                new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(1))
                        .withSecurity(client));
    }

    @Test
    void membersReplicateOverMutualTlsAndClientsWriteOverTls() throws Exception {
        ReplicaServer primary = start("", 0);
        ReplicaServer helper = start(primary.address(), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> helper.node().view().caughtUp());
        try (ReplicaClient writer = connect(primary);
                AdminClient admin = new AdminClient(TOKEN, Duration.ofSeconds(3), client)) {
            // --sync-acks 1: acknowledged only once the helper's ack came back over its TLS stream.
            assertTrue(writer.put("k", "v".getBytes(StandardCharsets.UTF_8)).seq() > 0);
            assertEquals(Role.HELPER, admin.status(helper.address()).role());
            assertEquals("v", new String(writer.get(List.of("k")).get("k").orElseThrow(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aPlaintextClientIsNotServed() throws Exception {
        ReplicaServer primary = start("", 0);
        try (Channels plaintext = new Channels()) {
            StatusRuntimeException refused = assertThrows(
                    StatusRuntimeException.class,
                    () -> CloneGrpc.newBlockingStub(plaintext.to(primary.address()))
                            .withDeadlineAfter(3, TimeUnit.SECONDS)
                            .echo(EchoRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
        }
    }

    @Test
    void aClientThatDoesNotTrustTheGroupsCaDoesNotConnect() throws Exception {
        ReplicaServer primary = start("", 0);
        CertificateAuthority other = CertificateAuthority.create("other CA", Duration.ofDays(30), Instant.now());
        try (ReplicaClient stranger = ReplicaClient.connect(
                List.of(primary.address()),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1))
                        .withSecurity(ChannelSecurity.trusting(other.certificatePem(), "demo.ns.svc")))) {
            assertThrows(ReplicaException.class, () -> stranger.put("k", new byte[1]));
        }
        assertEquals(0, primary.node().view().commitSeq());
    }

    @Test
    void aPeerWithTheTokenButNoMemberCertificateIsRefused() throws Exception {
        ReplicaServer primary = start("", 0);
        try (FakePeer fake = new FakePeer(primary.address(), TOKEN, client)) {
            fake.join(1);
            Status refused = fake.outcome.get(15, TimeUnit.SECONDS);
            assertEquals(Status.Code.UNAUTHENTICATED, refused.getCode(), refused.toString());
            assertTrue(refused.getDescription().contains("member certificate"), refused.getDescription());
        }
        assertTrue(
                primary.node().view().helpers().isEmpty(), primary.node().view().helpers()::toString);
    }

    @Test
    void aPeerWithACertificateFromTheSameCaForAnotherNameIsRefused() throws Exception {
        ReplicaServer primary = start("", 0);
        TestTls otherGroup =
                new TestTls(Files.createDirectory(dir.resolve("other"))).issue(ca, List.of("other-peers.ns.svc"));
        ChannelSecurity asOther = ChannelSecurity.tls(
                TlsChannelCredentials.newBuilder()
                        .keyManager(
                                otherGroup.file("tls.crt").toFile(),
                                otherGroup.file("tls.key").toFile())
                        .trustManager(otherGroup.file("ca.crt").toFile())
                        .build(),
                PEER_NAME);
        try (FakePeer fake = new FakePeer(primary.address(), TOKEN, asOther)) {
            fake.join(1);
            Status refused = fake.outcome.get(15, TimeUnit.SECONDS);
            assertEquals(Status.Code.UNAUTHENTICATED, refused.getCode(), refused.toString());
            assertTrue(refused.getDescription().contains(PEER_NAME), refused.getDescription());
        }
        assertTrue(
                primary.node().view().helpers().isEmpty(), primary.node().view().helpers()::toString);
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestartAndOpenStreamsGoOn() throws Exception {
        ReplicaServer primary = start("", 0);
        ReplicaServer helper = start(primary.address(), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> helper.node().view().caughtUp());
        BigInteger before = servedSerial(primary);

        files.issue(ca, NAMES);
        BigInteger renewed =
                Pem.certificate(Files.readString(files.file("tls.crt"))).getSerialNumber();
        assertNotEquals(before, renewed);
        await().atMost(Duration.ofSeconds(30)).until(() -> servedSerial(primary).equals(renewed));

        try (ReplicaClient writer = connect(primary)) {
            assertTrue(writer.put("after", "renewal".getBytes(StandardCharsets.UTF_8))
                            .seq()
                    > 0);
        }
        // A member started after the renewal joins with the new certificate.
        ReplicaServer late = start(primary.address(), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> late.node().view().caughtUp());
    }

    @Test
    void theHealthPortAnswersInPlaintext() throws Exception {
        int healthPort = FreePorts.next();
        start("", healthPort);
        try (Channels plaintext = new Channels()) {
            HealthCheckResponse answer = HealthGrpc.newBlockingStub(plaintext.to("127.0.0.1:" + healthPort))
                    .withDeadlineAfter(3, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, answer.getStatus());
        }
    }

    /** The serial of the certificate a new TLS connection to {@code server} is shown. */
    private BigInteger servedSerial(ReplicaServer server) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.certificate(ca.certificatePem()));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        String[] hostPort = server.address().split(":", -1);
        try (SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(3000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
