package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.replicagroup.replica.core.LogPosition;

/** A (term, seq) log position as status records it. */
public class LogPositionStatus {
    @JsonPropertyDescription("The term of the entry.")
    private long term;

    @JsonPropertyDescription("Its sequence number in the log.")
    private long seq;

    public static LogPositionStatus of(LogPosition position) {
        LogPositionStatus status = new LogPositionStatus();
        status.term = position.term();
        status.seq = position.seq();
        return status;
    }

    @JsonIgnore
    public LogPosition position() {
        return new LogPosition(term, seq);
    }

    public long getTerm() {
        return term;
    }

    public void setTerm(long term) {
        this.term = term;
    }

    public long getSeq() {
        return seq;
    }

    public void setSeq(long seq) {
        this.seq = seq;
    }
}
