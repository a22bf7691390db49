package dev.replicagroup.replica.replication;

import java.util.List;
import java.util.Optional;

/** Values read from the applied state, in the order of the keys asked for, and the seq they reflect. */
public record ReadResult(List<Optional<byte[]>> values, long appliedSeq) {}
