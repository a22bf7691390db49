package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed and decided. The term and the current primary live here, written with
 * optimistic concurrency, so the Kubernetes API (etcd) is the single place that says who is primary.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicaGroupStatus {
    @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("The one-word summary: Pending (no primary serves yet), Reinitialized (every member was"
            + " gone with its data and the group starts again empty), Running (the primary serves, every replica"
            + " Ready), Degraded (the primary serves, some helpers missing or not Ready), FailingOver (a failover or"
            + " switchover is under way) or Invalid (the spec cannot be carried out; see the Degraded condition).")
    private Phase phase;

    @JsonPropertyDescription("The pod that is primary (or was, while a failover runs).")
    private String currentPrimary;

    @JsonPropertyDescription(
            "When the current primary was first seen serving (a primary that never served is starting, not failed).")
    private String primarySince;

    @JsonPropertyDescription("The current term; raised before every promotion.")
    private long term;

    @StatusReplicas
    @JsonPropertyDescription("How many replica pods are live (not terminating).")
    private int replicas;

    @JsonPropertyDescription("How many live replica pods are Ready.")
    private int readyReplicas;

    @JsonPropertyDescription("readyReplicas/spec.replicas, for kubectl get rg (READY), e.g. 2/3.")
    private String ready;

    @LabelSelector
    @JsonPropertyDescription("Label selector of the replica pods (for the scale subresource).")
    private String selector;

    @JsonPropertyDescription("The revision of the current pod template (a hash of its inputs); each pod carries the"
            + " one it was built from in the label replicagroup.dev/revision.")
    private String updateRevision;

    @JsonPropertyDescription("The revision every member ran when the group last had all its replicas Ready on one"
            + " revision; differs from updateRevision while pods are being replaced.")
    private String currentRevision;

    @JsonPropertyDescription("How many live pods run updateRevision.")
    private int updatedReplicas;

    @JsonPropertyDescription("Each replica as last observed: its pod's readiness and the replica's own report.")
    private List<Member> members = new ArrayList<>();

    @JsonPropertyDescription("Available (the primary serves), Progressing (pods being created or replaced),"
            + " Degraded (fewer Ready replicas than wanted, or why not), UpToDate (every member on updateRevision),"
            + " DataLost (an in-memory group came back empty); docs/troubleshooting.md lists every reason.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The failover under way, if any.")
    private Failover failover;

    @JsonPropertyDescription("The last failover or switchover that completed, with its step times.")
    private Failover lastFailover;

    @JsonPropertyDescription("With spec.tls: the Secret the replicas serve their certificate from and its expiry.")
    private TlsStatus tls;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public String getCurrentPrimary() {
        return currentPrimary;
    }

    public void setCurrentPrimary(String currentPrimary) {
        this.currentPrimary = currentPrimary;
    }

    public String getPrimarySince() {
        return primarySince;
    }

    public void setPrimarySince(String primarySince) {
        this.primarySince = primarySince;
    }

    public long getTerm() {
        return term;
    }

    public void setTerm(long term) {
        this.term = term;
    }

    public int getReplicas() {
        return replicas;
    }

    public void setReplicas(int replicas) {
        this.replicas = replicas;
    }

    public int getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(int readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getReady() {
        return ready;
    }

    public void setReady(String ready) {
        this.ready = ready;
    }

    public String getSelector() {
        return selector;
    }

    public void setSelector(String selector) {
        this.selector = selector;
    }

    public String getUpdateRevision() {
        return updateRevision;
    }

    public void setUpdateRevision(String updateRevision) {
        this.updateRevision = updateRevision;
    }

    public String getCurrentRevision() {
        return currentRevision;
    }

    public void setCurrentRevision(String currentRevision) {
        this.currentRevision = currentRevision;
    }

    public int getUpdatedReplicas() {
        return updatedReplicas;
    }

    public void setUpdatedReplicas(int updatedReplicas) {
        this.updatedReplicas = updatedReplicas;
    }

    public List<Member> getMembers() {
        return members;
    }

    public void setMembers(List<Member> members) {
        this.members = members;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Failover getFailover() {
        return failover;
    }

    public void setFailover(Failover failover) {
        this.failover = failover;
    }

    public Failover getLastFailover() {
        return lastFailover;
    }

    public void setLastFailover(Failover lastFailover) {
        this.lastFailover = lastFailover;
    }

    public TlsStatus getTls() {
        return tls;
    }

    public void setTls(TlsStatus tls) {
        this.tls = tls;
    }
}
