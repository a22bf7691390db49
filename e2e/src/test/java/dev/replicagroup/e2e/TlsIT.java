package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.Operator;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.GetRequest;
import dev.replicagroup.replica.grpc.v1.GetResponse;
import dev.replicagroup.replica.tls.Pem;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.StatusRuntimeException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * spec.tls with the operator's own CA: the group forms over mutual TLS, a client that trusts the CA of {@code
 * <group>-tls} writes and reads through the Services, a plaintext client is refused, and a certificate issued anew
 * (the Secret deleted) is served by the running replicas, without a restart.
 */
@ExtendWith(TestNamespace.class)
class TlsIT {
    /** The kubelet refreshes a mounted Secret within its sync period (a minute) plus its cache's TTL. */
    private static final Duration RELOADED_WITHIN = Duration.ofSeconds(150);

    @Test
    void aCertManagerIssuerWhereCertManagerIsNotInstalledIsReportedAndNoPodStarts(TestNamespace ns) throws Exception {
        Operator.install(ns);
        Group group = Group.applySpec(
                ns,
                "managed",
                "  replicas: 1\n  syncAcks: 0\n  tls:\n    enabled: true\n    issuerRef:\n      name: group-ca\n");
        group.awaitNewEvent(
                "TlsSecretInvalid", Set.of(), m -> m.contains("cert-manager is not installed"), Settings.SETTLE);
        assertEquals(List.of(), group.pods(), "no pod mounts a Secret nobody will write");
    }

    @Test
    void aGroupWithTlsServesClientsThatTrustItsCaAndReloadsARenewedCertificateWithoutARestart(TestNamespace ns)
            throws Exception {
        Operator.install(ns);
        Group group = Group.applySpec(ns, "secure", "  replicas: 3\n  syncAcks: 1\n  tls:\n    enabled: true\n");
        GroupStatus settled = group.awaitSettled(3, Settings.SETTLE);
        assertEquals("Running", settled.phase());
        assertEquals(
                "secure-tls", group.kubectlOutput("get", "rg", "secure", "-o", "jsonpath={.status.tls.secretName}"));
        KubernetesClient client = ns.cluster().client();
        String ca = value(secret(client, ns, "secure-tls"), "ca.crt");
        assertEquals(ca, value(secret(client, ns, "secure-ca"), "ca.crt"), "the pods trust the operator's CA");
        String svc = "." + ns.name() + ".svc";
        ClientOptions tls = ClientOptions.defaults().withSecurity(ChannelSecurity.trusting(ca, "secure" + svc));

        // syncAcks 1: the write is acknowledged only once a helper holds it, over the members' mutual TLS.
        try (ReplicaClient replica = ReplicaClient.connect(List.of(group.primaryServiceAddress()), tls)) {
            replica.put("e2e-tls", "sealed".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(
                    "sealed".getBytes(StandardCharsets.UTF_8),
                    replica.get(List.of("e2e-tls")).get("e2e-tls").orElse(null));
        }
        // A helper answers through the read Service, checked against that Service's name.
        Thread.sleep(1500);
        try (Channels channels = new Channels(ChannelSecurity.trusting(ca, "secure-read" + svc))) {
            GetResponse answer = CloneGrpc.newBlockingStub(channels.to(group.serviceAddress("secure-read")))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .get(GetRequest.newBuilder()
                            .addKeys("e2e-tls")
                            .setMaxStalenessMillis(1000)
                            .build());
            assertEquals("sealed", answer.getValues(0).getValue().toStringUtf8());
            assertTrue(answer.getStalenessMillis() > 0, "answered by a helper: " + answer.getStalenessMillis());
        }
        // The same call in plaintext to the TLS port fails.
        try (Channels plaintext = new Channels()) {
            assertThrows(
                    StatusRuntimeException.class,
                    () -> CloneGrpc.newBlockingStub(plaintext.to(group.primaryServiceAddress()))
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .get(GetRequest.newBuilder().addKeys("e2e-tls").build()));
        }

        // The certificate issued anew: every replica serves it within the kubelet's sync, in the same pods.
        Map<String, String> uids = pods(group, p -> p.getMetadata().getUid());
        Map<String, String> restarts = pods(group, TlsIT::restarts);
        BigInteger before = servedSerial(group, ca);
        Set<String> seen = group.seenEvents();
        client.secrets().inNamespace(ns.name()).withName("secure-tls").delete();
        group.awaitNewEvent("CertificateIssued", seen, m -> m.contains("secure-tls"), Settings.EVENT_WAIT);
        BigInteger issued = Pem.certificate(value(secret(client, ns, "secure-tls"), "tls.crt"))
                .getSerialNumber();
        assertNotEquals(before, issued, "a new certificate");
        long deleted = System.nanoTime();
        Group.await("every replica serves the new certificate", RELOADED_WITHIN)
                .until(() -> servedSerial(group, ca), issued::equals);
        System.out.printf(
                "e2e: tls: the replicas served the new certificate %d s after the Secret was deleted%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - deleted));
        assertEquals(uids, pods(group, p -> p.getMetadata().getUid()), "no pod was replaced");
        assertEquals(restarts, pods(group, TlsIT::restarts), "no container restarted");
        try (ReplicaClient replica = ReplicaClient.connect(List.of(group.primaryServiceAddress()), tls)) {
            replica.put("e2e-tls", "resealed".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("Running", group.status().phase());
    }

    private static Secret secret(KubernetesClient client, TestNamespace ns, String name) {
        return Group.await("Secret " + name, Settings.EVENT_WAIT)
                .until(
                        () -> client.secrets()
                                .inNamespace(ns.name())
                                .withName(name)
                                .get(),
                        s -> s != null);
    }

    private static String value(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    private static Map<String, String> pods(Group group, Function<Pod, String> what) {
        return group.pods().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), what));
    }

    private static String restarts(Pod pod) {
        return pod.getStatus().getContainerStatuses().stream()
                .map(s -> Integer.toString(s.getRestartCount()))
                .collect(Collectors.joining(","));
    }

    /** The serial of the certificate every pod serves on its port; fails while they serve different ones. */
    private static BigInteger servedSerial(Group group, String caPem) throws Exception {
        Set<BigInteger> serials = new HashSet<>();
        for (Pod pod : group.pods()) {
            serials.add(served(pod.getStatus().getPodIP(), caPem).getSerialNumber());
        }
        if (serials.size() != 1) {
            throw new AssertionError("the pods serve different certificates: " + serials);
        }
        return serials.iterator().next();
    }

    /** The certificate the replica at {@code ip} presents in a TLS handshake (no gRPC call). */
    private static X509Certificate served(String ip, String caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.certificate(caPem));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(ip, 7000), 5000);
            socket.setSoTimeout(5000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
