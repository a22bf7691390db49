package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One replica as last observed: from its pod and from the replicas' own Status answers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Member {
    private String name;
    /** primary, helper, fenced, or unknown when the replica did not answer. */
    private String role;
    private boolean ready;
    /** The sequence number of its last log entry. */
    private Long seq;
    /** How many entries it is behind the primary, as the primary sees it. */
    private Long lag;
    /** Its liveness in the primary's table (higher = answered more reliably); scale-down removes the lowest. */
    private Integer liveness;

    public Member() {
    }

    public Member(String name, String role, boolean ready, Long seq, Long lag, Integer liveness) {
        this.name = name;
        this.role = role;
        this.ready = ready;
        this.seq = seq;
        this.lag = lag;
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

    public Long getSeq() {
        return seq;
    }

    public void setSeq(Long seq) {
        this.seq = seq;
    }

    public Long getLag() {
        return lag;
    }

    public void setLag(Long lag) {
        this.lag = lag;
    }

    public Integer getLiveness() {
        return liveness;
    }

    public void setLiveness(Integer liveness) {
        this.liveness = liveness;
    }
}
