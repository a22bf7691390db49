package dev.replicagroup.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.crd.TlsSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupTlsTest {
    private static ReplicaGroup group(String secretName) {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(
                new ObjectMetaBuilder().withName("demo").withNamespace("ns").build());
        group.setSpec(new ReplicaGroupSpec());
        TlsSpec tls = new TlsSpec();
        tls.setEnabled(true);
        tls.setSecretName(secretName);
        group.getSpec().setTls(tls);
        return group;
    }

    @Test
    void theCertificateNamesThePeersFirstThenEveryFormOfThePrimaryAndReadServices() {
        assertEquals(
                List.of(
                        "demo-peers.ns.svc",
                        "*.demo-peers.ns.svc",
                        "demo",
                        "demo.ns",
                        "demo.ns.svc",
                        "demo.ns.svc.cluster.local",
                        "demo-read",
                        "demo-read.ns",
                        "demo-read.ns.svc",
                        "demo-read.ns.svc.cluster.local"),
                GroupTls.dnsNames(group(null)));
        assertEquals("demo-peers.ns.svc", GroupTls.peerName(group(null)));
    }

    @Test
    void thePodsReadTheUsersSecretOrElseTheOperatorsOwn() {
        assertEquals("demo-tls", GroupTls.secretName(group(null)));
        assertEquals("demo-tls", GroupTls.secretName(group(" ")));
        assertEquals("mine", GroupTls.secretName(group("mine")));
    }
}
