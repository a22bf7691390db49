package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * TLS on the replicas' port and mutual TLS between members (docs/security.md). Off by default, and fixed for the
 * group's life (the spec's transition rule, and TlsPlan): members with and without TLS cannot replicate between them.
 * The Secret may change: a rolling update moves the pods to it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.enabled || !has(self.secretName)", message = TlsSpec.SECRET_WITHOUT_ENABLED)
public class TlsSpec {
    public static final String SECRET_WITHOUT_ENABLED = "tls.secretName is set but tls.enabled is not: set"
            + " tls.enabled: true to serve the certificate in that Secret, or remove tls.secretName";

    @Default("false")
    @JsonPropertyDescription("Serve TLS on the replicas' port (7000) and authenticate members to each other by"
            + " certificate (mutual TLS). Clients then need the group's CA (ca.crt of the TLS Secret); the kubelet"
            + " probes a plaintext health port (7001).")
    private boolean enabled;

    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @Size(max = 253)
    @JsonPropertyDescription("A kubernetes.io/tls Secret in the group's namespace with tls.crt, tls.key (PKCS#8) and"
            + " ca.crt, e.g. from cert-manager (privateKey.encoding PKCS8, usages server auth and client auth); its"
            + " certificate must hold the DNS name <group>-peers.<namespace>.svc. When empty, the operator runs a"
            + " CA of the group's own (Secret <group>-ca) and issues and renews the certificate in <group>-tls.")
    private String secretName;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }
}
