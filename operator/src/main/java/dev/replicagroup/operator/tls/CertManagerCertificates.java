package dev.replicagroup.operator.tls;

import dev.replicagroup.operator.crd.IssuerRef;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.resources.GroupTls;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.Owners;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With spec.tls.issuerRef: the cert-manager Certificate the operator keeps for a group. cert-manager issues and
 * renews it into {@link Names#certManagerSecret}, which the pods mount and reload. Read and written as a generic
 * resource, so the operator needs no cert-manager library and runs where cert-manager is not installed. Checked at
 * most every {@link #RECHECK} per group: a pass runs every second while a group is busy.
 */
final class CertManagerCertificates {
    static final String API_VERSION = "cert-manager.io/v1";
    static final String KIND = "Certificate";
    static final Duration RECHECK = Duration.ofSeconds(10);
    /** Named in full: discovery would fail, not answer 404, where cert-manager is not installed. */
    static final ResourceDefinitionContext CERTIFICATES = new ResourceDefinitionContext.Builder()
            .withGroup("cert-manager.io")
            .withVersion("v1")
            .withKind(KIND)
            .withPlural("certificates")
            .withNamespaced(true)
            .build();

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    private record Checked(Instant at, Map<String, Object> spec, Optional<String> problem) {}

    CertManagerCertificates(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** What the Certificate's spec must be: the group's names, both usages, a key the replicas read. */
    static Map<String, Object> desiredSpec(ReplicaGroup group, IssuerRef issuer) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("secretName", Names.certManagerSecret(group.getMetadata().getName()));
        // The group's labels on cert-manager's Secret put it in the operator's informer (no get per pass).
        spec.put("secretTemplate", Map.of("labels", Labels.common(group, "tls")));
        spec.put("commonName", GroupTls.peerName(group));
        spec.put("dnsNames", GroupTls.dnsNames(group));
        spec.put("duration", hours(CertificatePolicy.LEAF_VALIDITY));
        spec.put("renewBefore", hours(CertificatePolicy.RENEW_BEFORE));
        spec.put("usages", List.of("digital signature", "key encipherment", "server auth", "client auth"));
        spec.put(
                "privateKey",
                Map.of("algorithm", "ECDSA", "size", 256, "encoding", "PKCS8", "rotationPolicy", "Always"));
        spec.put(
                "issuerRef",
                Map.of(
                        "name",
                        issuer.getName(),
                        "kind",
                        Objects.requireNonNullElse(issuer.getKind(), "Issuer"),
                        "group",
                        Objects.requireNonNullElse(issuer.getGroup(), "cert-manager.io")));
        return spec;
    }

    /** Creates or corrects the Certificate; says why it cannot, if so (cert-manager missing, or refused). */
    Optional<String> ensure(ReplicaGroup group, IssuerRef issuer) {
        String key =
                group.getMetadata().getNamespace() + "/" + group.getMetadata().getName();
        Map<String, Object> desired = desiredSpec(group, issuer);
        Instant now = clock.instant();
        Checked last = checked.get(key);
        if (last != null
                && last.spec().equals(desired)
                && last.at().plus(RECHECK).isAfter(now)) {
            return last.problem();
        }
        Optional<String> problem = apply(group, desired);
        checked.put(key, new Checked(now, desired, problem));
        return problem;
    }

    /** Forgets a group that no longer asks cert-manager. */
    void forget(ReplicaGroup group) {
        checked.remove(
                group.getMetadata().getNamespace() + "/" + group.getMetadata().getName());
    }

    private Optional<String> apply(ReplicaGroup group, Map<String, Object> desired) {
        String name = Names.certificate(group.getMetadata().getName());
        Resource<GenericKubernetesResource> resource = certificates(group).withName(name);
        try {
            GenericKubernetesResource current = resource.get();
            if (current == null) {
                GenericKubernetesResource certificate = new GenericKubernetesResource();
                certificate.setApiVersion(API_VERSION);
                certificate.setKind(KIND);
                certificate.setMetadata(Owners.metadata(group, name, "certificate"));
                certificate.setAdditionalProperty("spec", desired);
                certificates(group).resource(certificate).create();
            } else if (!desired.equals(current.getAdditionalProperties().get("spec"))) {
                current.setAdditionalProperty("spec", desired);
                certificates(group).resource(current).update();
            }
            return Optional.empty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Optional.of("cert-manager is not installed (the API " + API_VERSION + " " + KIND
                        + " is not served): install cert-manager, or remove spec.tls.issuerRef for the operator's"
                        + " own CA");
            }
            return Optional.of("cannot create or update the cert-manager Certificate " + name + ": "
                    + Objects.requireNonNullElse(
                            e.getStatus() == null ? null : e.getStatus().getMessage(), e.getMessage()));
        }
    }

    private NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            certificates(ReplicaGroup group) {
        return client.genericKubernetesResources(CERTIFICATES)
                .inNamespace(group.getMetadata().getNamespace());
    }

    private static String hours(Duration duration) {
        return duration.toHours() + "h";
    }
}
