package dev.replicagroup.replica.storage;

import dev.replicagroup.replica.core.RecoveredState;
import java.util.List;

/** What {@link DiskStorage#open} found: the state to start from, and what it dropped or repaired, for the log. */
public record Recovery(DiskStorage storage, RecoveredState state, List<String> notes) {}
