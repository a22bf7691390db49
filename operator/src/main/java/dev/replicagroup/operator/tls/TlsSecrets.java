package dev.replicagroup.operator.tls;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.resources.GroupTls;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.Owners;
import dev.replicagroup.replica.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
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

    public static Secret certificate(ReplicaGroup group, CertificateAuthority.Issued issued, String caPem) {
        return secret(
                group,
                Names.tlsSecret(group.getMetadata().getName()),
                "tls",
                "kubernetes.io/tls",
                Map.of(
                        GroupTls.TLS_CRT,
                        issued.certificatePem(),
                        GroupTls.TLS_KEY,
                        issued.privateKeyPem(),
                        GroupTls.CA_CRT,
                        caPem));
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
