package dev.replicagroup.operator.it;

import static dev.replicagroup.operator.it.MockCluster.LONG;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.IssuerRef;
import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.TlsSpec;
import dev.replicagroup.operator.resources.GroupTls;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.ReplicaPods;
import dev.replicagroup.operator.tls.CertificatePolicy;
import dev.replicagroup.operator.tls.TlsSecrets;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.tls.CertificateAuthority;
import dev.replicagroup.replica.tls.Pem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * spec.tls against the mock API server with real replicas serving the pods' TLS Secret: the operator's own CA and
 * certificate, a renewal in place, a user's Secret checked before any pod mounts it, and TLS that cannot be turned
 * on in a running group.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest extends MockClusterTest {
    private static TlsSpec tls(String secretName) {
        TlsSpec tls = new TlsSpec();
        tls.setEnabled(true);
        tls.setSecretName(secretName);
        return tls;
    }

    @Test
    void theOperatorIssuesTheGroupsCertificateAndTalksToItsReplicasOverTls() throws Exception {
        cluster.create("tls", 3, 1, spec -> spec.setTls(tls(null)));
        ReplicaGroup group = cluster.awaitRunning("tls", 3);
        // Every member answered the operator (over TLS, checked against the peers' name): none is unknown.
        await().atMost(LONG)
                .until(() -> cluster.get("tls").getStatus().getMembers().stream()
                        .noneMatch(m -> m.getRole().equals("unknown")));
        Secret ca = secret("tls-ca");
        Secret leaf = secret("tls-tls");
        assertEquals("kubernetes.io/tls", leaf.getType());
        for (Secret s : List.of(ca, leaf)) {
            assertEquals(
                    group.getMetadata().getUid(),
                    s.getMetadata().getOwnerReferences().get(0).getUid());
            assertEquals(Labels.OPERATOR, s.getMetadata().getLabels().get(Labels.MANAGED_BY));
        }
        assertEquals(value(ca, "ca.crt"), value(leaf, "ca.crt"));
        assertEquals("tls-tls", group.getStatus().getTls().getSecretName());
        Instant notAfter = Instant.parse(group.getStatus().getTls().getNotAfter());
        assertTrue(notAfter.isAfter(Instant.now().plus(Duration.ofDays(89))), notAfter.toString());
        assertEquals(1, cluster.events("tls", "CertificateIssued").size());
        assertTrue(cluster.pods("tls").stream()
                .allMatch(p -> ReplicaPods.tlsSecret(p).equals(Optional.of("tls-tls"))));

        // syncAcks 1: acknowledged once a helper holds it, so the members replicate over mutual TLS.
        String peers = "tls-peers." + cluster.namespace + ".svc";
        ClientOptions overTls = ClientOptions.defaults()
                .withDeadline(Duration.ofSeconds(10))
                .withSecurity(ChannelSecurity.trusting(value(leaf, "ca.crt"), peers));
        try (ReplicaClient kv = ReplicaClient.connect(cluster.addresses("tls"), overTls)) {
            kv.put("k", "v".getBytes(StandardCharsets.UTF_8));
            assertEquals("v", new String(kv.get(List.of("k")).get("k").orElseThrow(), StandardCharsets.UTF_8));
        }
        try (ReplicaClient plain = ReplicaClient.connect(
                cluster.addresses("tls"), ClientOptions.defaults().withDeadline(Duration.ofSeconds(2)))) {
            assertThrows(ReplicaException.class, () -> plain.put("k", "w".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aCertificateCloseToExpiryIsRenewedInPlace() {
        cluster.create("renew", 1, 0, spec -> spec.setTls(tls(null)));
        ReplicaGroup group = cluster.awaitRunning("renew", 1);
        Secret ca = secret("renew-ca");
        Secret before = secret("renew-tls");
        CertificateAuthority authority = CertificateAuthority.load(value(ca, "ca.crt"), value(ca, "ca.key"));
        CertificateAuthority.Issued expiring =
                authority.issue(GroupTls.dnsNames(group), Duration.ofDays(10), Instant.now());
        cluster.client
                .secrets()
                .inNamespace(cluster.namespace)
                .withName("renew-tls")
                .edit(s -> {
                    s.getData().put("tls.crt", encode(expiring.certificatePem()));
                    s.getData().put("tls.key", encode(expiring.privateKeyPem()));
                    return s;
                });
        await().atMost(LONG)
                .until(() -> !cluster.events("renew", "CertificateRenewed").isEmpty());
        assertTrue(
                cluster.events("renew", "CertificateRenewed").get(0).getNote().contains("less than 30 days"));
        Secret after = secret("renew-tls");
        assertEquals(before.getMetadata().getUid(), after.getMetadata().getUid(), "the same Secret, renewed in place");
        assertTrue(Pem.certificate(value(after, "tls.crt"))
                .getNotAfter()
                .toInstant()
                .isAfter(Instant.now().plus(CertificatePolicy.LEAF_VALIDITY).minus(Duration.ofDays(1))));
        assertEquals(value(ca, "ca.crt"), value(after, "ca.crt"), "the same CA");
    }

    @Test
    void aNewCaIsFirstTrustedNextToTheOldWithTheCertificateUnchanged() {
        cluster.create("roll", 1, 0, spec -> spec.setTls(tls(null)));
        cluster.awaitRunning("roll", 1);
        Secret before = secret("roll-tls");
        String oldCa = value(secret("roll-ca"), "ca.crt");
        cluster.client
                .secrets()
                .inNamespace(cluster.namespace)
                .withName("roll-ca")
                .delete();
        await().atMost(LONG)
                .until(() -> cluster.events("roll", "CertificateRenewed").stream()
                        .anyMatch(e -> e.getNote().contains("changed the CAs trusted")));
        Secret after = secret("roll-tls");
        String newCa = value(secret("roll-ca"), "ca.crt");
        assertTrue(!newCa.equals(oldCa), "a new CA was made");
        assertEquals(value(before, "tls.crt"), value(after, "tls.crt"), "the certificate stays until all trust the CA");
        assertEquals(
                List.of(Pem.certificate(newCa), Pem.certificate(oldCa)),
                Pem.certificates(value(after, "ca.crt")),
                "the new CA first, the old one still trusted");
        assertTrue(after.getMetadata().getAnnotations().containsKey(TlsSecrets.CHANGED_AT));
    }

    @Test
    void noPodMountsAUsersSecretUntilItHoldsEveryKey() {
        cluster.create("mine", 1, 0, spec -> spec.setTls(tls("mine-certs")));
        await().atMost(LONG)
                .until(() -> degraded("mine")
                        .filter(m -> m.contains("mine-certs") && m.contains("does not exist"))
                        .isPresent());
        assertEquals(0, cluster.pods("mine").size());
        assertTrue(cluster.events("mine", "TlsSecretInvalid").get(0).getNote().contains("mine-certs"));

        ReplicaGroup group = cluster.get("mine");
        CertificateAuthority authority =
                CertificateAuthority.create("mine CA", CertificatePolicy.CA_VALIDITY, Instant.now());
        CertificateAuthority.Issued issued =
                authority.issue(GroupTls.dnsNames(group), CertificatePolicy.LEAF_VALIDITY, Instant.now());
        Map<String, String> data = new LinkedHashMap<>();
        data.put("tls.crt", encode(issued.certificatePem()));
        data.put("tls.key", encode(issued.privateKeyPem()));
        cluster.client
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("mine-certs")
                        .withNamespace(cluster.namespace)
                        .endMetadata()
                        .withType("kubernetes.io/tls")
                        .withData(data)
                        .build())
                .create();
        await().atMost(LONG)
                .until(() -> degraded("mine")
                        .filter(m -> m.contains("has no key ca.crt"))
                        .isPresent());
        assertEquals(0, cluster.pods("mine").size());

        cluster.client
                .secrets()
                .inNamespace(cluster.namespace)
                .withName("mine-certs")
                .edit(s -> {
                    s.getData().put("ca.crt", encode(authority.certificatePem()));
                    return s;
                });
        ReplicaGroup running = cluster.awaitRunning("mine", 1);
        assertEquals("mine-certs", running.getStatus().getTls().getSecretName());
        assertEquals(issued.notAfter().toString(), running.getStatus().getTls().getNotAfter());
        assertTrue(cluster.pods("mine").stream()
                .allMatch(p -> ReplicaPods.tlsSecret(p).equals(Optional.of("mine-certs"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCertManagerIssuerIsAskedForTheCertificateAndItsSecretIsMounted() {
        IssuerRef issuer = new IssuerRef();
        issuer.setName("group-ca");
        TlsSpec viaCertManager = tls(null);
        viaCertManager.setIssuerRef(issuer);
        cluster.create("cm", 1, 0, spec -> spec.setTls(viaCertManager));
        GenericKubernetesResource certificate = await().atMost(LONG)
                .until(
                        () -> cluster.client
                                .genericKubernetesResources(new ResourceDefinitionContext.Builder()
                                        .withGroup("cert-manager.io")
                                        .withVersion("v1")
                                        .withKind("Certificate")
                                        .withPlural("certificates")
                                        .withNamespaced(true)
                                        .build())
                                .inNamespace(cluster.namespace)
                                .withName("cm")
                                .get(),
                        c -> c != null);
        ReplicaGroup group = cluster.get("cm");
        Map<String, Object> spec =
                (Map<String, Object>) certificate.getAdditionalProperties().get("spec");
        assertEquals("cm-cert-manager-tls", spec.get("secretName"));
        assertEquals(GroupTls.dnsNames(group), spec.get("dnsNames"));
        assertEquals(
                List.of("digital signature", "key encipherment", "server auth", "client auth"), spec.get("usages"));
        assertEquals("PKCS8", ((Map<String, Object>) spec.get("privateKey")).get("encoding"));
        assertEquals(Map.of("name", "group-ca", "kind", "Issuer", "group", "cert-manager.io"), spec.get("issuerRef"));
        assertEquals(
                group.getMetadata().getUid(),
                certificate.getMetadata().getOwnerReferences().get(0).getUid());
        await().atMost(LONG)
                .until(() -> degraded("cm")
                        .filter(m -> m.contains("waiting for cert-manager"))
                        .isPresent());
        assertEquals(0, cluster.pods("cm").size());

        // cert-manager's part: issue for the Certificate's names into its Secret, with the template's labels.
        CertificateAuthority authority =
                CertificateAuthority.create("cm CA", CertificatePolicy.CA_VALIDITY, Instant.now());
        CertificateAuthority.Issued issued =
                authority.issue((List<String>) spec.get("dnsNames"), CertificatePolicy.LEAF_VALIDITY, Instant.now());
        Map<String, String> data = new LinkedHashMap<>();
        data.put("tls.crt", encode(issued.certificatePem()));
        data.put("tls.key", encode(issued.privateKeyPem()));
        data.put("ca.crt", encode(authority.certificatePem()));
        cluster.client
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("cm-cert-manager-tls")
                        .withNamespace(cluster.namespace)
                        .withLabels(
                                (Map<String, String>) ((Map<String, Object>) spec.get("secretTemplate")).get("labels"))
                        .endMetadata()
                        .withType("kubernetes.io/tls")
                        .withData(data)
                        .build())
                .create();
        ReplicaGroup running = cluster.awaitRunning("cm", 1);
        assertEquals("cm-cert-manager-tls", running.getStatus().getTls().getSecretName());
        assertTrue(cluster.pods("cm").stream()
                .allMatch(p -> ReplicaPods.tlsSecret(p).equals(Optional.of("cm-cert-manager-tls"))));
    }

    @Test
    void tlsCannotBeTurnedOnInARunningGroup() {
        cluster.create("plain", 2, 1);
        cluster.awaitRunning("plain", 2);
        List<String> uids = cluster.pods("plain").stream()
                .map(p -> p.getMetadata().getUid())
                .sorted()
                .toList();
        cluster.edit("plain", g -> {
            g.getSpec().setTls(tls(null));
            return g;
        });
        await().atMost(LONG).until(() -> cluster.get("plain").getStatus().getPhase() == Phase.Invalid);
        assertTrue(
                degraded("plain").orElseThrow().contains("cannot be turned on"),
                degraded("plain").orElseThrow());
        assertEquals(
                uids,
                cluster.pods("plain").stream()
                        .map(p -> p.getMetadata().getUid())
                        .sorted()
                        .toList(),
                "no pod was replaced");
        cluster.edit("plain", g -> {
            g.getSpec().setTls(null);
            return g;
        });
        cluster.awaitRunning("plain", 2);
    }

    private Optional<String> degraded(String group) {
        ReplicaGroup g = cluster.get(group);
        return g.getStatus() == null
                ? Optional.empty()
                : g.getStatus().getConditions().stream()
                        .filter(c ->
                                c.getType().equals("Degraded") && c.getStatus().equals("True"))
                        .map(Condition::getMessage)
                        .findFirst();
    }

    private Secret secret(String name) {
        return cluster.client
                .secrets()
                .inNamespace(cluster.namespace)
                .withName(name)
                .get();
    }

    private static String value(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
