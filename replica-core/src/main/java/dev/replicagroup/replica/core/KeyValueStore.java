package dev.replicagroup.replica.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The applied key-value state and its dedup table. Entries are applied in seq order, each once. */
final class KeyValueStore {
    static final int DEDUP_CAPACITY = 100_000;

    private final Map<String, byte[]> data = new HashMap<>();
    private final DedupTable dedup = new DedupTable(DEDUP_CAPACITY);
    private long appliedSeq;

    WriteResult apply(Entry entry) {
        appliedSeq = entry.seq();
        if (entry.op() instanceof Operation.Noop) {
            return new WriteResult(entry.term(), entry.seq(), false);
        }
        boolean tracked = !entry.id().clientId().isEmpty();
        if (tracked) {
            Optional<WriteResult> earlier = dedup.applied(entry.id());
            if (earlier.isPresent()) {
                return earlier.get();
            }
            if (dedup.superseded(entry.id())) {
                return new WriteResult(entry.term(), entry.seq(), false);
            }
        }
        boolean existed;
        if (entry.op() instanceof Operation.Put put) {
            existed = data.put(put.key(), put.value()) != null;
        } else {
            existed = data.remove(((Operation.Delete) entry.op()).key()) != null;
        }
        WriteResult result = new WriteResult(entry.term(), entry.seq(), existed);
        if (tracked) {
            dedup.record(entry.id(), result);
        }
        return result;
    }

    Optional<byte[]> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    long appliedSeq() {
        return appliedSeq;
    }

    int size() {
        return data.size();
    }

    DedupTable dedup() {
        return dedup;
    }

    Snapshot snapshot(LogPosition lastIncluded) {
        return new Snapshot(lastIncluded, Map.copyOf(data), dedup.records());
    }

    void replaceWith(Snapshot snapshot) {
        data.clear();
        data.putAll(snapshot.data());
        dedup.replaceWith(snapshot.dedup());
        appliedSeq = snapshot.lastIncluded().seq();
    }
}
