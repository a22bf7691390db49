package dev.replicagroup.replica.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Remembers each client's last write so a retried write (same client id and request seq) applies once.
 * A client issues one write at a time, so its last request seq is all there is to remember. The table
 * keeps the {@code capacity} clients that wrote most recently; eviction follows the log order, so every
 * replica evicts the same clients.
 */
final class DedupTable {
    private final int capacity;
    private final LinkedHashMap<String, DedupRecord> byClient = new LinkedHashMap<>();

    DedupTable(int capacity) {
        this.capacity = capacity;
    }

    /** The remembered result if this write was applied already. */
    Optional<WriteResult> applied(WriteId id) {
        DedupRecord last = byClient.get(id.clientId());
        if (last == null || id.requestSeq() != last.requestSeq()) {
            return Optional.empty();
        }
        return Optional.of(last.result());
    }

    /** True when the client has already moved past this request: its retry arrived after a later write. */
    boolean superseded(WriteId id) {
        DedupRecord last = byClient.get(id.clientId());
        return last != null && id.requestSeq() < last.requestSeq();
    }

    void record(WriteId id, WriteResult result) {
        byClient.remove(id.clientId());
        byClient.put(id.clientId(), new DedupRecord(id.clientId(), id.requestSeq(), result));
        if (byClient.size() > capacity) {
            String eldest = byClient.keySet().iterator().next();
            byClient.remove(eldest);
        }
    }

    List<DedupRecord> records() {
        return new ArrayList<>(byClient.values());
    }

    void replaceWith(List<DedupRecord> records) {
        byClient.clear();
        records.forEach(r -> byClient.put(r.clientId(), r));
    }
}
