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
    /** A member of a group with no live primary came back on its volume (whole-group restart). */
    MemberRestored(false),
    /** Every member of a group that held data was gone, and the group started again empty. */
    DataLost(true),
    VolumeExpanded(false),
    /** Pods of an older revision of the pod template are being replaced (spec.updateStrategy RollingUpdate). */
    RollingUpdateStarted(false),
    /** Every member runs the current revision (status.currentRevision = updateRevision). */
    RollingUpdateCompleted(false),
    /** spec.storage.size grew but the volumes' StorageClass does not allow expansion. */
    VolumeNotExpandable(true),
    InvalidSpec(true);

    private final boolean warning;

    Reason(boolean warning) {
        this.warning = warning;
    }

    public String type() {
        return warning ? "Warning" : "Normal";
    }
}
