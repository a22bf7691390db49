package dev.replicagroup.replica.storage;

import static dev.replicagroup.replica.storage.SegmentedLogTest.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.core.DedupRecord;
import dev.replicagroup.replica.core.DurableChanges;
import dev.replicagroup.replica.core.Entry;
import dev.replicagroup.replica.core.HardState;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Snapshot;
import dev.replicagroup.replica.core.WriteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskStorageTest {
    static final HardState TERM_1 = new HardState(1, "p:1", true, List.of("h:1"));

    @TempDir
    Path dir;

    Recovery open() throws IOException {
        return DiskStorage.open(dir, FsyncPolicy.BATCH, 512);
    }

    static DurableChanges log(long from, List<Entry> entries) {
        return new DurableChanges(null, null, from, entries);
    }

    static Snapshot snapshot(long term, long seq) {
        return new Snapshot(
                new LogPosition(term, seq),
                Map.of("a", "1".getBytes(StandardCharsets.UTF_8), "b", new byte[0]),
                List.of(new DedupRecord("client", 7, new WriteResult(term, seq, true))));
    }

    List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anEmptyDirectoryHoldsNoData() throws IOException {
        Recovery recovery = open();
        recovery.storage().close();
        assertFalse(recovery.state().hasData());
        assertEquals(List.of(), recovery.notes());
    }

    @Test
    void hardStateAndLogComeBack() throws IOException {
        try (DiskStorage storage = open().storage()) {
            storage.persist(new DurableChanges(TERM_1, null, 1, entries(1, 1, 3)));
            storage.persist(log(3, entries(2, 3, 4)));
        }
        Recovery recovery = open();
        recovery.storage().close();
        assertEquals(TERM_1, recovery.state().hardState());
        List<Entry> expected = new ArrayList<>(entries(1, 1, 2));
        expected.addAll(entries(2, 3, 4));
        assertEquals(expected, recovery.state().entries());
        assertNull(recovery.state().snapshot());
    }

    @Test
    void aSnapshotCompactsTheSegmentsWhollyBelowIt() throws IOException {
        try (DiskStorage storage = open().storage()) {
            storage.persist(new DurableChanges(TERM_1, null, 1, entries(1, 1, 40)));
            int before = storage.segmentCount();
            storage.compact(snapshot(1, 30));
            assertTrue(storage.segmentCount() < before, before + " -> " + storage.segmentCount());
            storage.compact(snapshot(1, 35));
        }
        assertEquals(1, files().stream().filter(f -> f.endsWith(".snap")).count(), "older snapshots are gone");
        Recovery recovery = open();
        recovery.storage().close();
        assertEquals(new LogPosition(1, 35), recovery.state().snapshot().lastIncluded());
        assertEquals("1", new String(recovery.state().snapshot().data().get("a"), StandardCharsets.UTF_8));
        assertEquals(snapshot(1, 35).dedup(), recovery.state().snapshot().dedup());
        assertEquals(entries(1, 36, 40), recovery.state().entries());
    }

    @Test
    void anInstalledSnapshotRestartsTheLogAfterIt() throws IOException {
        try (DiskStorage storage = open().storage()) {
            storage.persist(new DurableChanges(TERM_1, null, 1, entries(1, 1, 10)));
            storage.persist(new DurableChanges(null, snapshot(2, 500), 501, entries(2, 501, 502)));
        }
        Recovery recovery = open();
        recovery.storage().close();
        assertEquals(500, recovery.state().snapshot().lastIncluded().seq());
        assertEquals(entries(2, 501, 502), recovery.state().entries());
    }

    @Test
    void aCorruptSnapshotIsAnErrorNamingFileAndOffset() throws IOException {
        try (DiskStorage storage = open().storage()) {
            storage.persist(new DurableChanges(TERM_1, null, 1, entries(1, 1, 10)));
            storage.compact(snapshot(1, 5));
        }
        Path file = SnapshotFile.pathOf(dir, 5);
        byte[] bytes = Files.readAllBytes(file);
        bytes[30] ^= 1;
        Files.write(file, bytes);
        CorruptStorageException e = assertThrows(CorruptStorageException.class, this::open);
        assertTrue(e.getMessage().startsWith(file + " is corrupt at byte "), e.getMessage());

        Files.write(file, Arrays.copyOf(bytes, 20));
        e = assertThrows(CorruptStorageException.class, this::open);
        assertTrue(e.getMessage().contains("at byte 20: it ends before the snapshot does"), e.getMessage());
    }

    @Test
    void theHardStateIsReplacedWholeOrNotAtAll() throws IOException {
        try (DiskStorage storage = open().storage()) {
            storage.persist(new DurableChanges(TERM_1, null, 0, List.of()));
        }
        // A crash half-way through the next write leaves only its temporary file: the old hard state holds.
        Files.write(dir.resolve(HardStateFile.NAME + ".123.tmp"), new byte[] {1, 2, 3});
        Recovery recovery = open();
        recovery.storage().close();
        assertEquals(TERM_1, recovery.state().hardState());
        assertTrue(recovery.notes().get(0).contains("a snapshot or hard state a crash interrupted"));
        assertFalse(files().stream().anyMatch(f -> f.endsWith(".tmp")));

        Path file = dir.resolve(HardStateFile.NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[9] ^= 1;
        Files.write(file, bytes);
        CorruptStorageException e = assertThrows(CorruptStorageException.class, this::open);
        assertTrue(e.getMessage().startsWith(file + " is corrupt at byte " + (bytes.length - 4)), e.getMessage());
    }

    @Test
    void aLogWithoutAHardStateIsAnError() throws IOException {
        try (DiskStorage storage = open().storage()) {
            storage.persist(log(1, entries(1, 1, 2)));
        }
        CorruptStorageException e = assertThrows(CorruptStorageException.class, this::open);
        assertTrue(e.getMessage().contains("it is missing, yet the directory holds a log"), e.getMessage());
    }

    @Test
    void everyFsyncPolicyRecoversTheSame() throws IOException {
        try (DiskStorage storage =
                DiskStorage.open(dir, FsyncPolicy.ALWAYS, 512).storage()) {
            storage.persist(new DurableChanges(TERM_1, null, 1, entries(1, 1, 30)));
        }
        Recovery recovery = open();
        recovery.storage().close();
        assertEquals(entries(1, 1, 30), recovery.state().entries());
    }

    @Test
    void aFileInsteadOfADirectoryIsAClearError() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        IOException e = assertThrows(IOException.class, () -> DiskStorage.open(file, FsyncPolicy.BATCH));
        assertTrue(e.getMessage().startsWith("--data-dir " + file), e.getMessage());
    }
}
