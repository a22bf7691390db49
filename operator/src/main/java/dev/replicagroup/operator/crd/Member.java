package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One replica as last observed: from its pod and from the replicas' own Status answers. Only what changes when
 * something happens to the member; its log position and lag are metrics (they change with every write).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Member {
    private String name;
    /** primary, helper, fenced, or unknown when the replica did not answer. */
    private String role;

    private boolean ready;
    /** Its liveness in the primary's table (higher = answered more reliably); scale-down removes the lowest. */
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
