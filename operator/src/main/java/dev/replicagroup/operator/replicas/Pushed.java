package dev.replicagroup.operator.replicas;

import dev.replicagroup.replica.status.NodeStatus;

/** What the operator knows of one replica from its Watch stream at one moment. */
public sealed interface Pushed {

    /** A status received within the last two keepalives: use it, no call needed. */
    record Fresh(NodeStatus status) implements Pushed {}

    /**
     * The stream ended, or said nothing for more than two keepalives: the replica is gone, frozen or cut off.
     * It counts as not answering; a call to it would only wait for its deadline.
     */
    record Silent(String why) implements Pushed {}

    /** No stream yet, or one opened too recently to judge its silence: ask the replica directly. */
    record Unknown() implements Pushed {}
}
