package dev.replicagroup.replica.core;

/**
 * What replicas send each other. Every message may be lost, delayed, duplicated or reordered: the protocol
 * repairs that with heartbeats and positions, never by assuming delivery. {@code term} is the sender's term.
 */
public sealed interface Message {
    String from();

    String to();

    long term();

    /** HERETOHELP: a helper asks {@code to} to lead it, from its position. */
    record Join(String from, String to, long term, LogPosition last, long commitSeq) implements Message {}

    /**
     * The primary's update (no entries: a heartbeat). {@code sentAt} is the primary's tick, echoed in the reply,
     * so the primary knows how recent the contact a reply proves is (its lease). Heartbeats carry the Active List.
     */
    record Append(String from, String to, long term, long sentAt, CatchUp update, ActiveList servers)
            implements Message {}

    /** A helper holds the sender's log up to {@code matched}. */
    record Accepted(String from, String to, long term, long echo, LogPosition matched) implements Message {}

    /** A helper could not apply an update at its position: send from {@code last} (or its commit point). */
    record Behind(String from, String to, long term, long echo, LogPosition last, long commitSeq) implements Message {}

    /** The sender will not lead, or follow, the receiver: {@code primary} is whom it knows of (may be empty). */
    record Rejected(String from, String to, long term, String primary, String reason) implements Message {}
}
