package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.ActiveList;

/** The calls a helper makes to its primary. Blocking calls have a deadline and throw {@link ReplicaException}. */
public interface PeerClient {
    Thx hereToHelp(HereToHelp request) throws ReplicaException;

    ActiveList getServers(String helperAddress) throws ReplicaException;

    /** Opens the update stream: the primary sends updates from {@code open.last()} on; the helper acks. */
    ReplicationStream replicate(HereToHelp open, ReplicationListener listener);
}
