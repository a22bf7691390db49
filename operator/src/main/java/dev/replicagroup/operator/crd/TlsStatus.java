package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The certificate the replicas serve with spec.tls. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsStatus {
    @JsonPropertyDescription("The Secret the replicas read their certificate from (tls.crt, tls.key, ca.crt).")
    private String secretName;

    @JsonPropertyDescription("When that certificate expires (RFC 3339); the operator renews its own 30 days before.")
    private String notAfter;

    public TlsStatus() {}

    public TlsStatus(String secretName, String notAfter) {
        this.secretName = secretName;
        this.notAfter = notAfter;
    }

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public String getNotAfter() {
        return notAfter;
    }

    public void setNotAfter(String notAfter) {
        this.notAfter = notAfter;
    }
}
