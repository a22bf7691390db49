package dev.replicagroup.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.IssuerRef;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.crd.StorageSpec;
import dev.replicagroup.operator.crd.TlsSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecCheckTest {
    private static ReplicaGroupSpec spec(int replicas, int syncAcks) {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.setReplicas(replicas);
        spec.setSyncAcks(syncAcks);
        return spec;
    }

    @Test
    void theDefaultsAreValid() {
        assertEquals(Optional.empty(), SpecCheck.problem(new ReplicaGroupSpec()));
        assertEquals(Optional.empty(), SpecCheck.problem(spec(1, 0)));
    }

    @Test
    void syncAcksMustBeBelowReplicas() {
        assertTrue(SpecCheck.problem(spec(3, 3)).orElseThrow().contains("syncAcks"));
        assertTrue(SpecCheck.problem(spec(1, 1)).isPresent());
    }

    @Test
    void replicasMustBePositive() {
        assertTrue(SpecCheck.problem(spec(0, 0)).orElseThrow().contains("replicas"));
    }

    @Test
    void anIsolatedPrimaryMustStopServingBeforeItsHelpersReportItLost() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.getFailover().setLeaseMillis(600);
        assertEquals(
                Optional.of(
                        "failover.leaseMillis + clockDriftMillis (600 + 200) must be less than"
                                + " detectionMillis (800): an isolated primary must stop serving before its helpers report it lost"),
                SpecCheck.problem(spec));
        spec.getFailover().setClockDriftMillis(199);
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
    }

    @Test
    void theReadStalenessCapMustBeWithinItsRange() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.getReads().setMaxStalenessMillis(-1);
        assertEquals(
                Optional.of("reads.maxStalenessMillis must be between 0 and 600000, got -1"), SpecCheck.problem(spec));
        spec.getReads().setMaxStalenessMillis(0);
        assertEquals(Optional.empty(), SpecCheck.problem(spec), "0: reads from the primary only");
        spec.setReads(null);
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("reads must be objects"));
    }

    @Test
    void aLeaseMustOutlastOneLostHeartbeat() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.getFailover().setHeartbeatMillis(251);
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("at least 2 * heartbeatMillis (251)"));
        spec.getFailover().setHeartbeatMillis(250);
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
        spec.getFailover().setHeartbeatMillis(0);
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("heartbeatMillis must be positive"));
    }

    @Test
    void storageNeedsAPositiveSize() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.setStorage(new StorageSpec());
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("storage.size is required"));
        spec.getStorage().setSize("lots");
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("a quantity such as 1Gi"));
        spec.getStorage().setSize("0");
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("more than 0"));
        spec.getStorage().setSize("1Gi");
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
    }

    @Test
    void theImageMustBeAnImageReference() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.setImage("replicagroup/replica:0.1.0-SNAPSHOT");
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
        spec.setImage("registry.local:5000/replica@sha256:0123abcd");
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
        for (String bad : new String[] {"", "Replica/Upper:1", "replica:1 ", "replica image"}) {
            spec.setImage(bad);
            assertTrue(
                    SpecCheck.problem(spec).orElseThrow().contains("image must be an image reference"),
                    "'" + bad + "' is refused");
        }
    }

    @Test
    void limitsAndRequestsMustBeQuantities() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("500m"))
                .addToRequests("memory", new Quantity("256Mi"))
                .addToLimits("cpu", new Quantity("2"))
                .build());
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
        spec.getResources().getLimits().put("memory", new Quantity("lots"));
        assertEquals(
                Optional.of("resources.limits.memory must be a quantity, such as 500m or 2 for cpu and 256Mi or 1Gi"
                        + " for memory, got 'lots'"),
                SpecCheck.problem(spec));
        spec.getResources().getLimits().remove("memory");
        spec.getResources().getRequests().put("cpu", new Quantity("1.5.5"));
        assertTrue(SpecCheck.problem(spec).orElseThrow().startsWith("resources.requests.cpu must be a quantity"));
    }

    @Test
    void aTlsSecretNameWithoutTlsEnabledIsRejectedWithHowToFixIt() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        TlsSpec tls = new TlsSpec();
        tls.setSecretName("demo-certs");
        spec.setTls(tls);
        String problem = SpecCheck.problem(spec).orElseThrow();
        assertTrue(problem.contains("tls.enabled: true") && problem.contains("remove tls.secretName"), problem);
        tls.setEnabled(true);
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
        tls.setSecretName(null);
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
        tls.setEnabled(false);
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
    }

    @Test
    void aTlsIssuerNeedsTlsEnabledAndNoSecretOfTheUsersOwn() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        TlsSpec tls = new TlsSpec();
        IssuerRef issuer = new IssuerRef();
        issuer.setName("group-ca");
        tls.setIssuerRef(issuer);
        spec.setTls(tls);
        assertEquals(Optional.of(TlsSpec.ISSUER_WITHOUT_ENABLED), SpecCheck.problem(spec));
        tls.setEnabled(true);
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
        tls.setSecretName("demo-certs");
        assertEquals(Optional.of(TlsSpec.SECRET_AND_ISSUER), SpecCheck.problem(spec));
        tls.setSecretName(null);
        issuer.setName(" ");
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("tls.issuerRef.name"));
    }
}
