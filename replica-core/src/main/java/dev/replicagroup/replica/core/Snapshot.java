package dev.replicagroup.replica.core;

import java.util.List;
import java.util.Map;

/**
 * The applied state up to {@code lastIncluded}: the data and the dedup records, in the order the
 * dedup table evicts them, so a helper that installs it evicts exactly as the primary does.
 */
public record Snapshot(LogPosition lastIncluded, Map<String, byte[]> data, List<DedupRecord> dedup) {}
