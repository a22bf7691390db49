package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One failover or switchover: under way in {@code status.failover}, finished in {@code status.lastFailover}.
 * Timestamps are RFC 3339.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Failover {
    @JsonPropertyDescription("The step to carry out next (Done once finished).")
    private FailoverStep step;

    @JsonPropertyDescription("True for a planned switchover (the replicagroup.dev/promote annotation).")
    private boolean switchover;

    @JsonPropertyDescription("True for a whole-group restart: every member came back fenced on its volume and none"
            + " serves, so there is no old primary (from is empty) and every member is a candidate.")
    private boolean restart;

    @JsonPropertyDescription("The pod that was primary.")
    private String from;

    @JsonPropertyDescription("The old primary's replica address when the failover started, to match helpers'"
            + " reports about it (their last primary) after its pod is gone.")
    private String fromAddress;

    @JsonPropertyDescription("The pod chosen to become primary (set in the Select step).")
    private String to;

    @JsonPropertyDescription("A switchover asked the old primary to pause writes until the chosen helper held"
            + " everything it took, before the fence (done once, whether or not the helper caught up in time).")
    private boolean handedOff;

    @JsonPropertyDescription("Why it started.")
    private String reason;

    @JsonPropertyDescription("The term the new primary serves in (raised before it is promoted).")
    private Long term;

    @JsonPropertyDescription("Why the failover waits, when it cannot go on safely.")
    private String blocked;

    @JsonPropertyDescription("The term in which the old primary itself answered the fence; when it is this failover's"
            + " term, it serves nothing and the new primary needs no lease hold-off.")
    private Long oldPrimaryFencedInTerm;

    @JsonPropertyDescription("What was left of the old primary's own promotion hold-off when it answered the fence:"
            + " the primary before it may still hold its lease, so the new primary waits at least this long.")
    private Long oldPrimaryHoldoffMillis;

    @JsonPropertyDescription("The last committed position (term and seq) the old primary reported during this"
            + " failover: no helper behind it is promoted while the old primary's pod exists, since it may hold"
            + " acknowledged writes that a helper which restarted since has lost.")
    private LogPositionStatus oldPrimaryCommitted;

    @JsonPropertyDescription("When the failover started (RFC 3339).")
    private String detectedAt;

    @JsonPropertyDescription("When the chosen helper was promoted.")
    private String promotedAt;

    @JsonPropertyDescription("When the primary Service was moved to the new primary (the role label).")
    private String repointedAt;

    @JsonPropertyDescription("When the failover was done: the new primary serves and the others follow it.")
    private String completedAt;

    public FailoverStep getStep() {
        return step;
    }

    public void setStep(FailoverStep step) {
        this.step = step;
    }

    public boolean isSwitchover() {
        return switchover;
    }

    public boolean isHandedOff() {
        return handedOff;
    }

    public void setHandedOff(boolean handedOff) {
        this.handedOff = handedOff;
    }

    public void setSwitchover(boolean switchover) {
        this.switchover = switchover;
    }

    public boolean isRestart() {
        return restart;
    }

    public void setRestart(boolean restart) {
        this.restart = restart;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public String getFromAddress() {
        return fromAddress;
    }

    public void setFromAddress(String fromAddress) {
        this.fromAddress = fromAddress;
    }

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public Long getTerm() {
        return term;
    }

    public void setTerm(Long term) {
        this.term = term;
    }

    public String getBlocked() {
        return blocked;
    }

    public void setBlocked(String blocked) {
        this.blocked = blocked;
    }

    public Long getOldPrimaryHoldoffMillis() {
        return oldPrimaryHoldoffMillis;
    }

    public void setOldPrimaryHoldoffMillis(Long oldPrimaryHoldoffMillis) {
        this.oldPrimaryHoldoffMillis = oldPrimaryHoldoffMillis;
    }

    public Long getOldPrimaryFencedInTerm() {
        return oldPrimaryFencedInTerm;
    }

    public void setOldPrimaryFencedInTerm(Long oldPrimaryFencedInTerm) {
        this.oldPrimaryFencedInTerm = oldPrimaryFencedInTerm;
    }

    public LogPositionStatus getOldPrimaryCommitted() {
        return oldPrimaryCommitted;
    }

    public void setOldPrimaryCommitted(LogPositionStatus oldPrimaryCommitted) {
        this.oldPrimaryCommitted = oldPrimaryCommitted;
    }

    /** Whether the old primary answered the fence in this failover's term. */
    @JsonIgnore
    public boolean isOldPrimaryFenced() {
        return term != null && term.equals(oldPrimaryFencedInTerm);
    }

    public String getDetectedAt() {
        return detectedAt;
    }

    public void setDetectedAt(String detectedAt) {
        this.detectedAt = detectedAt;
    }

    public String getPromotedAt() {
        return promotedAt;
    }

    public void setPromotedAt(String promotedAt) {
        this.promotedAt = promotedAt;
    }

    public String getRepointedAt() {
        return repointedAt;
    }

    public void setRepointedAt(String repointedAt) {
        this.repointedAt = repointedAt;
    }

    public String getCompletedAt() {
        return completedAt;
    }

    public void setCompletedAt(String completedAt) {
        this.completedAt = completedAt;
    }
}
