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
@ValidationRule(value = "self.enabled || !has(self.issuerRef)", message = TlsSpec.ISSUER_WITHOUT_ENABLED)
@ValidationRule(value = "!has(self.secretName) || !has(self.issuerRef)", message = TlsSpec.SECRET_AND_ISSUER)
public class TlsSpec {
    public static final String SECRET_WITHOUT_ENABLED = "tls.secretName is set but tls.enabled is not: set"
            + " tls.enabled: true to serve the certificate in that Secret, or remove tls.secretName";
    public static final String ISSUER_WITHOUT_ENABLED = "tls.issuerRef is set but tls.enabled is not: set"
            + " tls.enabled: true to serve a certificate from that issuer, or remove tls.issuerRef";
    public static final String SECRET_AND_ISSUER = "tls.secretName and tls.issuerRef are both set: give either your"
            + " own Secret (secretName) or the cert-manager issuer the operator asks for a certificate (issuerRef)";

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

    @JsonPropertyDescription("A cert-manager issuer: the operator keeps a cert-manager Certificate <group> for the"
            + " group's DNS names (server and client auth, ECDSA P-256 in PKCS#8, 90 days, renewed 30 days before"
            + " expiry) and the pods mount the Secret <group>-cert-manager-tls cert-manager writes. The issuer must"
            + " put its CA in ca.crt (a CA or Vault issuer does). Needs cert-manager installed.")
    private IssuerRef issuerRef;

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

    public IssuerRef getIssuerRef() {
        return issuerRef;
    }

    public void setIssuerRef(IssuerRef issuerRef) {
        this.issuerRef = issuerRef;
    }
}
