package dev.replicagroup.replica.core;

/** What a helper did with an update from a primary. */
public sealed interface AcceptOutcome {

    /** Applied; the helper now holds the primary's log up to {@code matched}. */
    record Accepted(LogPosition matched) implements AcceptOutcome {}

    /** The sender's term is older than ours: it is a deposed primary. */
    record StaleTerm(long term, String primary) implements AcceptOutcome {}

    /** The update does not start at a position this log has: the helper must ask again from its position. */
    record Gap(LogPosition last, long commitSeq) implements AcceptOutcome {}

    /** This replica is not following the sender in this term (it is primary or fenced in it). */
    record NotFollowing(Role role, long term) implements AcceptOutcome {}
}
