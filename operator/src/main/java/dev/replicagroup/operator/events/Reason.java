package dev.replicagroup.operator.events;

/** The reasons of the events the operator records on a ReplicaGroup ({@code kubectl get events}). */
public enum Reason {
    FailoverStarted(false, "Failover"),
    Promoted(false, "Failover"),
    ServiceRepointed(false, "Failover"),
    FailoverBlocked(true, "Failover"),
    FailoverCompleted(false, "Failover"),
    HelperJoined(false, "Join"),
    ScaledUp(false, "Scale"),
    ScaledDown(false, "Scale"),
    SwitchoverCompleted(false, "Switchover"),
    SwitchoverRejected(true, "Switchover"),
    PodReplaced(false, "Replace"),
    /** A member of a group with no live primary came back on its volume (whole-group restart). */
    MemberRestored(false, "Restart"),
    /** Every member of a group that held data was gone, and the group started again empty. */
    DataLost(true, "Restart"),
    VolumeExpanded(false, "ExpandVolume"),
    /** Pods of an older revision of the pod template are being replaced (spec.updateStrategy RollingUpdate). */
    RollingUpdateStarted(false, "Update"),
    /** Every member runs the current revision (status.currentRevision = updateRevision). */
    RollingUpdateCompleted(false, "Update"),
    /** spec.storage.size grew but the volumes' StorageClass does not allow expansion. */
    VolumeNotExpandable(true, "ExpandVolume"),
    /** spec.tls: the operator issued the group's certificate (and its CA, the first time). */
    CertificateIssued(false, "Certificate"),
    /** The operator replaced the certificate in place: close to expiry, a new CA, or other DNS names. */
    CertificateRenewed(false, "Certificate"),
    /** The TLS Secret the pods would mount (spec.tls.secretName) is missing or lacks a key. */
    TlsSecretInvalid(true, "Certificate"),
    InvalidSpec(true, "Validate"),
    /** The admin-token Secret was deleted and put back with the token the running replicas hold. */
    AdminTokenRestored(true, "RestoreSecret"),
    /** The admin-token Secret was deleted and the operator does not know the running replicas' token. */
    AdminTokenLost(true, "RestoreSecret");

    private final boolean warning;
    private final String action;

    Reason(boolean warning, String action) {
        this.warning = warning;
        this.action = action;
    }

    /** What the operator did or failed to do: an events.k8s.io/v1 Event's {@code action}. */
    public String action() {
        return action;
    }

    public String type() {
        return warning ? "Warning" : "Normal";
    }
}
