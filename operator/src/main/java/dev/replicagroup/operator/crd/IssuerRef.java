package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A cert-manager issuer, as cert-manager's own Certificate names it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IssuerRef {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @Size(max = 253)
    @JsonPropertyDescription("The Issuer's (in the group's namespace) or ClusterIssuer's name.")
    private String name;

    @Default("Issuer")
    @Pattern("^[A-Z][A-Za-z0-9]*$")
    @Size(max = 63)
    @JsonPropertyDescription("Issuer (the default), ClusterIssuer, or an external issuer's kind (with its group).")
    private String kind = "Issuer";

    @Default("cert-manager.io")
    @JsonPropertyDescription("The issuer's API group: cert-manager.io, or an external issuer's.")
    private String group = "cert-manager.io";

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }
}
