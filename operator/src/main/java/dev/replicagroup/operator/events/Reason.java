package dev.replicagroup.operator.events;

/** The reasons of the events the operator records on a ReplicaGroup ({@code kubectl get events}). */
public enum Reason {
    FailoverStarted(false),
    Promoted(false),
    ServiceRepointed(false),
    FailoverBlocked(true),
    FailoverCompleted(false),
    HelperJoined(false),
    ScaledUp(false),
    ScaledDown(false),
    SwitchoverCompleted(false),
    SwitchoverRejected(true),
    PodReplaced(false),
    InvalidSpec(true);

    private final boolean warning;

    Reason(boolean warning) {
        this.warning = warning;
    }

    public String type() {
        return warning ? "Warning" : "Normal";
    }
}
