package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One replica as last observed: from its pod and from the replicas' own Status answers. Only what changes when
 * something happens to the member; its log position and lag are metrics (they change with every write).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Member {
    @JsonPropertyDescription("The replica's pod.")
    private String name;

    @JsonPropertyDescription("primary, helper or fenced, as the replica reports; unknown when its report has not"
            + " reached the operator yet.")
    private String role;

    @JsonPropertyDescription("The pod's Ready condition.")
    private boolean ready;

    @JsonPropertyDescription(
            "Its liveness in the primary's table (higher: answered more reliably); scale-down" + " removes the lowest.")
    private Integer liveness;

    public Member() {}

    public Member(String name, String role, boolean ready, Integer liveness) {
        this.name = name;
        this.role = role;
        this.ready = ready;
        this.liveness = liveness;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public boolean isReady() {
        return ready;
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    public Integer getLiveness() {
        return liveness;
    }

    public void setLiveness(Integer liveness) {
        this.liveness = liveness;
    }
}
