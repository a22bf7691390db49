package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Cluster;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.Operator;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import dev.replicagroup.e2e.support.Tools;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad ReplicaGroups against the real API server: each is refused at admission (the CRD's OpenAPI limits and CEL
 * rules) with a message that names the field and says what to fix, and nothing is stored. Writes ask for strict
 * field validation, as kubectl does by default (its --validate=strict); the test of a client that does not ask
 * shows what it gets. One valid group is accepted, so
 * the rules cannot pass by refusing everything; changes to what must not change are refused on a running group,
 * which stays as it was.
 */
@ExtendWith(TestNamespace.class)
class AdmissionIT {
    private static final String NAME = "bad";

    @BeforeAll
    static void crd() {
        Operator.applyCrd(Cluster.get());
    }

    // ------------------------------------------------------------------------------------------ replicas, syncAcks

    @Test
    void negativeReplicas(TestNamespace ns) {
        assertRefused(ns, "replicas: -1", "spec.replicas", "greater than or equal to 1");
    }

    @Test
    void hugeReplicas(TestNamespace ns) {
        assertRefused(ns, "replicas: 1000", "spec.replicas", "less than or equal to 15");
        assertRefused(ns, "replicas: 99999999999999", "spec.replicas", "less than or equal to 15");
    }

    @Test
    void syncAcksNotBelowReplicas(TestNamespace ns) {
        assertRefused(ns, "replicas: 3\nsyncAcks: 3", "spec", "syncAcks must be less than replicas");
        assertRefused(ns, "replicas: 1\nsyncAcks: 1", "spec", "syncAcks must be less than replicas");
    }

    @Test
    void negativeSyncAcks(TestNamespace ns) {
        assertRefused(ns, "syncAcks: -1", "spec.syncAcks", "greater than or equal to 0");
    }

    // ------------------------------------------------------------------------------------------ timings

    @Test
    void probeTimingsThatMustBePositive(TestNamespace ns) {
        assertRefused(
                ns,
                "readinessProbe: {periodSeconds: 0}",
                "spec.readinessProbe.periodSeconds",
                "greater than or equal to 1");
        assertRefused(
                ns,
                "readinessProbe: {failureThreshold: -3}",
                "spec.readinessProbe.failureThreshold",
                "greater than or equal to 1");
        assertRefused(
                ns,
                "readinessProbe: {periodSeconds: 3600}",
                "spec.readinessProbe.periodSeconds",
                "less than or equal to 60");
    }

    @Test
    void readStalenessCapOutOfRange(TestNamespace ns) {
        assertRefused(
                ns, "reads: {maxStalenessMillis: -1}", "spec.reads.maxStalenessMillis", "greater than or equal to 0");
        assertRefused(
                ns,
                "reads: {maxStalenessMillis: 600001}",
                "spec.reads.maxStalenessMillis",
                "less than or equal to 600000");
    }

    @Test
    void failoverTimingsOutOfRange(TestNamespace ns) {
        assertRefused(ns, "failover: {delaySeconds: -1}", "spec.failover.delaySeconds", "greater than or equal to 0");
        assertRefused(
                ns, "failover: {cooldownSeconds: -30}", "spec.failover.cooldownSeconds", "greater than or equal to 0");
        assertRefused(
                ns, "failover: {heartbeatMillis: 0}", "spec.failover.heartbeatMillis", "greater than or equal to 10");
        assertRefused(
                ns, "failover: {clockDriftMillis: -1}", "spec.failover.clockDriftMillis", "greater than or equal to 0");
    }

    @Test
    void leaseThatOutlastsFailureDetection(TestNamespace ns) {
        // 900 + 200 (the default drift) >= 1000: an isolated primary would still serve when a new one is chosen.
        assertRefused(
                ns,
                "failover: {leaseMillis: 900}",
                "spec.failover",
                "leaseMillis + clockDriftMillis must be less than detectionMillis");
        assertRefused(
                ns,
                "failover: {leaseMillis: 500, clockDriftMillis: 200, detectionMillis: 700}",
                "spec.failover",
                "an isolated primary must stop serving before its helpers report it lost");
    }

    @Test
    void leaseShorterThanTwoHeartbeats(TestNamespace ns) {
        assertRefused(
                ns,
                "failover: {heartbeatMillis: 300}",
                "spec.failover",
                "leaseMillis must be at least 2 * heartbeatMillis");
    }

    // ------------------------------------------------------------------------------------------ image, resources

    @Test
    void emptyImage(TestNamespace ns) {
        assertRefused(ns, "image: \"\"", "spec.image", "image must be an image reference such as");
    }

    @Test
    void invalidImage(TestNamespace ns) {
        assertRefused(ns, "image: Replica/Upper:1", "spec.image", "a lower-case repository");
        assertRefused(ns, "image: \"replicagroup/replica 0.1\"", "spec.image", "no spaces");
        assertRefused(ns, "image: \"" + "a".repeat(600) + "\"", "spec.image", "512");
    }

    @Test
    void invalidResourceQuantities(TestNamespace ns) {
        assertRefused(ns, "resources: {limits: {memory: lots}}", "spec.resources.limits[memory]", "must be a quantity");
        assertRefused(ns, "resources: {requests: {cpu: 1.5.5}}", "spec.resources.requests[cpu]", "must be a quantity");
        assertRefused(ns, "resources: {requests: {memory: 1Gb}}", "spec.resources.requests[memory]", "256Mi or 1Gi");
    }

    // ------------------------------------------------------------------------------------------ unknown fields

    // ------------------------------------------------------------------------------------------ tls

    @Test
    void aTlsSecretWithoutTlsEnabled(TestNamespace ns) {
        assertRefused(ns, "tls: {secretName: demo-certs}", "spec.tls", "set tls.enabled: true");
        assertRefused(ns, "tls: {enabled: false, secretName: demo-certs}", "spec.tls", "or remove tls.secretName");
        assertRefused(ns, "tls: {enabled: true, secretName: Demo_Certs}", "spec.tls.secretName", "should match");
        assertRefused(ns, "tls: {issuerRef: {name: group-ca}}", "spec.tls", "or remove tls.issuerRef");
        assertRefused(
                ns,
                "tls: {enabled: true, secretName: demo-certs, issuerRef: {name: group-ca}}",
                "spec.tls",
                "are both set");
        assertRefused(
                ns,
                "tls: {enabled: true, issuerRef: {name: group-ca, kind: cluster-issuer}}",
                "spec.tls.issuerRef.kind",
                "should match");
    }

    @Test
    void unknownFieldWithStrictValidation(TestNamespace ns) {
        // 400, not 422: strict decoding fails before the object is validated.
        assertRefused(ns, "replica: 3", 400, "unknown field", "\"spec.replica\"");
        assertRefused(ns, "failover: {leaseMs: 400}", 400, "unknown field", "\"spec.failover.leaseMs\"");
    }

    /** kubectl apply and create validate strictly by default (kubectl 1.27+): a typo is an error for the user. */
    @Test
    void kubectlRefusesAnUnknownField(TestNamespace ns) throws IOException {
        Path manifest = Files.createTempFile("admission-", ".yaml");
        try {
            Files.writeString(manifest, yaml("replicas: 3\nsyncAck: 1"));
            Tools.Result applied =
                    ns.cluster().tools().kubectlQuietly("apply", "-n", ns.name(), "-f", manifest.toString());
            assertNotEquals(0, applied.exitCode(), "kubectl apply refused the typo: " + applied.output());
            assertTrue(applied.output().contains("unknown field \"spec.syncAck\""), applied.output());
            assertNull(group(ns).get(), "nothing was stored");
        } finally {
            Files.delete(manifest);
        }
    }

    /**
     * A client that does not ask for strict validation (fabric8's default, and the API server's: Warn) gets the
     * unknown field pruned and a warning, not an error: the API server decides this, not the CRD (a schema cannot
     * refuse what pruning removes first). Clients that write ReplicaGroups should ask for Strict, as kubectl does.
     */
    @Test
    void aClientThatDoesNotAskForStrictValidationLosesAnUnknownField(TestNamespace ns) {
        GenericKubernetesResource created =
                group(ns, "replicas: 1\nsyncAcks: 0\nreplica: 3").create();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec =
                (Map<String, Object>) created.getAdditionalProperties().get("spec");
        assertFalse(spec.containsKey("replica"), "the unknown field was pruned: " + spec);
        assertEquals(1, spec.get("replicas"));
    }

    // ------------------------------------------------------------------------------------------ a valid group

    @Test
    void aValidGroupIsAccepted(TestNamespace ns) {
        String spec = """
                replicas: 5
                syncAcks: 4
                image: registry.local:5000/replicagroup/replica@sha256:0123abcd
                resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 2, memory: 1Gi}}
                readinessProbe: {periodSeconds: 2, failureThreshold: 5}
                failover: {delaySeconds: 0, heartbeatMillis: 50, leaseMillis: 100, clockDriftMillis: 0, detectionMillis: 101}
                storage: {size: 2Gi, storageClassName: local-path}""";
        GenericKubernetesResource created =
                group(ns, spec).fieldValidation(Validation.STRICT).create();
        assertNotNull(created.getMetadata().getUid(), "the valid group was stored");
        @SuppressWarnings("unchecked")
        Map<String, Object> stored =
                (Map<String, Object>) created.getAdditionalProperties().get("spec");
        assertEquals(Map.of("cpu", 2, "memory", "1Gi"), ((Map<?, ?>) stored.get("resources")).get("limits"));
        assertEquals(4, stored.get("syncAcks"));
    }

    // ------------------------------------------------------------------------------------------ immutable fields

    /**
     * On running groups (the operator installed, every pod Ready): storage cannot be added or removed, its class
     * cannot change, its size cannot shrink; TLS cannot be turned on. Each refused patch leaves the group's spec,
     * generation, pods and claims exactly as they were, and the group stays settled.
     */
    @Test
    void immutableChangesToARunningGroupAreRefusedAndChangeNothing(TestNamespace ns) throws IOException {
        Operator.install(ns);
        Group stored =
                applied(ns, "stored", "replicas: 1\nsyncAcks: 0\nstorage: {size: 64Mi, storageClassName: local-path}");
        Group inMemory = applied(ns, "in-memory", "replicas: 1\nsyncAcks: 0");
        stored.awaitSettled(1, Settings.SETTLE);
        inMemory.awaitSettled(1, Settings.SETTLE);

        assertPatchRefusedAndNothingChanged(
                ns,
                stored,
                Map.of("storage", Map.of("storageClassName", "other")),
                "storage.storageClassName cannot be changed");
        assertPatchRefusedAndNothingChanged(
                ns,
                stored,
                mapWithNull("storage"),
                "storage cannot be added to or removed from an existing ReplicaGroup");
        assertPatchRefusedAndNothingChanged(
                ns, stored, Map.of("storage", Map.of("size", "32Mi")), "storage.size cannot be decreased");
        assertPatchRefusedAndNothingChanged(
                ns,
                inMemory,
                Map.of("storage", Map.of("size", "64Mi")),
                "storage cannot be added to or removed from an existing ReplicaGroup");
        assertPatchRefusedAndNothingChanged(
                ns,
                inMemory,
                Map.of("tls", Map.of("enabled", true)),
                "tls.enabled cannot be changed on an existing ReplicaGroup");

        stored.awaitSettled(1, Settings.STEADY);
        inMemory.awaitSettled(1, Settings.STEADY);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Refused as invalid (422: the schema's limits and the CEL rules). */
    private static void assertRefused(TestNamespace ns, String spec, String field, String fix) {
        assertRefused(ns, spec, 422, field, fix);
    }

    private static void assertRefused(TestNamespace ns, String spec, int code, String field, String fix) {
        KubernetesClientException refused = assertThrows(
                KubernetesClientException.class,
                () -> group(ns, spec).fieldValidation(Validation.STRICT).create(),
                "refused: " + spec);
        String message = refused.getStatus() != null && refused.getStatus().getMessage() != null
                ? refused.getStatus().getMessage()
                : refused.getMessage();
        System.out.println("e2e: " + spec.replace('\n', ' ') + " -> " + refused.getCode() + " " + message);
        assertEquals(code, refused.getCode(), "refused with " + code + ", not for another reason: " + message);
        assertTrue(message.contains(field), "the message names " + field + ": " + message);
        assertTrue(message.contains(fix), "the message says what to fix (" + fix + "): " + message);
        assertNull(group(ns).get(), "nothing was stored");
    }

    private static void assertPatchRefusedAndNothingChanged(
            TestNamespace ns, Group group, Map<String, Object> specPatch, String fix) {
        GenericKubernetesResource before = group.resource();
        Map<String, String> podsBefore = uids(group.pods());
        Map<String, String> claimsBefore = uids(group.claims());
        String patch = Serialization.asJson(Map.of("spec", specPatch));

        KubernetesClientException refused = assertThrows(
                KubernetesClientException.class,
                () -> groupNamed(ns, group.name())
                        .fieldValidation(Validation.STRICT)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch),
                "refused: " + patch);
        System.out.println("e2e: patch " + patch + " -> " + refused.getCode() + " " + refused.getMessage());
        assertEquals(422, refused.getCode(), refused.getMessage());
        assertTrue(
                refused.getMessage().contains(fix),
                "the message says what to fix (" + fix + "): " + refused.getMessage());

        GenericKubernetesResource after = group.resource();
        assertEquals(
                before.getAdditionalProperties().get("spec"),
                after.getAdditionalProperties().get("spec"),
                "spec unchanged");
        assertEquals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration(), "generation unchanged");
        assertEquals(podsBefore, uids(group.pods()), "the same pods run");
        assertEquals(claimsBefore, uids(group.claims()), "the same claims");
    }

    private static Map<String, Object> mapWithNull(String key) {
        // A JSON merge patch removes a field with null, which Map.of cannot hold.
        Map<String, Object> patch = new java.util.HashMap<>();
        patch.put(key, null);
        return patch;
    }

    private static Map<String, String> uids(List<? extends HasMetadata> objects) {
        return objects.stream()
                .collect(Collectors.toMap(
                        o -> o.getMetadata().getName(), o -> o.getMetadata().getUid()));
    }

    private static Group applied(TestNamespace ns, String name, String spec) throws IOException {
        Path manifest = Files.createTempFile("admission-", ".yaml");
        try {
            Files.writeString(manifest, yaml(name, spec));
            return Group.apply(ns, manifest);
        } finally {
            Files.delete(manifest);
        }
    }

    private static Resource<GenericKubernetesResource> group(TestNamespace ns, String spec) {
        return ns.cluster()
                .client()
                .genericKubernetesResources(Group.API_VERSION, Group.KIND)
                .inNamespace(ns.name())
                .resource(Serialization.unmarshal(yaml(spec), GenericKubernetesResource.class));
    }

    private static Resource<GenericKubernetesResource> group(TestNamespace ns) {
        return groupNamed(ns, NAME);
    }

    private static Resource<GenericKubernetesResource> groupNamed(TestNamespace ns, String name) {
        return ns.cluster()
                .client()
                .genericKubernetesResources(Group.API_VERSION, Group.KIND)
                .inNamespace(ns.name())
                .withName(name);
    }

    private static String yaml(String spec) {
        return yaml(NAME, spec);
    }

    private static String yaml(String name, String spec) {
        return "apiVersion: " + Group.API_VERSION + "\nkind: " + Group.KIND + "\nmetadata:\n  name: " + name
                + "\nspec:\n  " + spec.replace("\n", "\n  ") + "\n";
    }
}
