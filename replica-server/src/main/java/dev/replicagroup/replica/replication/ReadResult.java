package dev.replicagroup.replica.replication;

import java.util.List;
import java.util.Optional;

/**
 * Values read from the applied state, in the order of the keys asked for, the seq they reflect, and how old that
 * state may be (0 from the serving primary; a bounded-staleness read on a helper says its bound).
 */
public record ReadResult(List<Optional<byte[]>> values, long appliedSeq, long stalenessMillis) {}
