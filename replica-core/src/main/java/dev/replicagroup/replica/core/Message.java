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
     * {@code freshAsOf} is the latest {@link Accepted#sentAt} of the receiver's that the primary had received when,
     * serving, it sent an update carrying its whole commit point; null otherwise. A helper that applies it holds
     * every write acknowledged before that tick of its own (its bounded-staleness reads).
     */
    record Append(
            String from, String to, long term, long sentAt, CatchUp update, ActiveList servers, HelperTick freshAsOf)
            implements Message {}

    /**
     * A helper holds the sender's log up to {@code matched}. {@code sentAt} is the helper's tick, echoed back as
     * {@link Append#freshAsOf}.
     */
    record Accepted(String from, String to, long term, long echo, LogPosition matched, HelperTick sentAt)
            implements Message {}

    /** A helper could not apply an update at its position: send from {@code last} (or its commit point). */
    record Behind(String from, String to, long term, long echo, LogPosition last, long commitSeq) implements Message {}

    /** The sender will not lead, or follow, the receiver: {@code primary} is whom it knows of (may be empty). */
    record Rejected(String from, String to, long term, String primary, String reason) implements Message {}
}
