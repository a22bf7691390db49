package dev.replicagroup.operator.tls;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.resources.GroupTls;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.Owners;
import dev.replicagroup.replica.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Secrets of the operator's own CA and of the certificate it issues, labelled and owned like everything the
 * operator makes (so they are in its Secret informer, and go with the group). Written as {@code data} (base64),
 * the form the API returns, so a Secret just written reads like one from the cache.
 */
public final class TlsSecrets {
    private TlsSecrets() {}

    public static Secret ca(ReplicaGroup group, CertificateAuthority ca) {
        return secret(
                group,
                Names.caSecret(group.getMetadata().getName()),
                "ca",
                "Opaque",
                Map.of(GroupTls.CA_CRT, ca.certificatePem(), GroupTls.CA_KEY, ca.privateKeyPem()));
    }

    /** The annotation saying when the operator last wrote the certificate Secret (a CA rollover waits on it). */
    public static final String CHANGED_AT = "replicagroup.dev/changed-at";

    public static Secret certificate(
            ReplicaGroup group, CertificateAuthority.Issued issued, String caBundle, Instant now) {
        return certificate(group, issued.certificatePem(), issued.privateKeyPem(), caBundle, now);
    }

    public static Secret certificate(
            ReplicaGroup group, String certificatePem, String keyPem, String caBundle, Instant now) {
        Secret secret = secret(
                group,
                Names.tlsSecret(group.getMetadata().getName()),
                "tls",
                "kubernetes.io/tls",
                Map.of(GroupTls.TLS_CRT, certificatePem, GroupTls.TLS_KEY, keyPem, GroupTls.CA_CRT, caBundle));
        secret.getMetadata().setAnnotations(Map.of(CHANGED_AT, now.toString()));
        return secret;
    }

    /** When the operator last wrote this certificate Secret; empty for one without the annotation. */
    public static Optional<Instant> changedAt(Optional<Secret> secret) {
        try {
            return secret.map(Secret::getMetadata)
                    .map(m -> m.getAnnotations())
                    .map(a -> a.get(CHANGED_AT))
                    .map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A key of a Secret, decoded; empty when the Secret or the key is missing. */
    public static Optional<String> value(Optional<Secret> secret, String key) {
        return secret.map(Secret::getData)
                .map(data -> data.get(key))
                .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
    }

    private static Secret secret(
            ReplicaGroup group, String name, String component, String type, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder()
                .withMetadata(Owners.metadata(group, name, component))
                .withType(type)
                .withData(data)
                .build();
    }
}
