package dev.replicagroup.replica.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.core.Entry;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.WriteId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {
    @TempDir
    Path dir;

    static Entry entry(long term, long seq) {
        return new Entry(
                term,
                seq,
                new WriteId("client", seq),
                new Operation.Put("key-" + seq, ("value-" + seq).getBytes(StandardCharsets.UTF_8)));
    }

    static List<Entry> entries(long term, long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(s -> entry(term, s)).toList();
    }

    SegmentedLog.Opened open(long segmentBytes) throws IOException {
        return SegmentedLog.open(dir, segmentBytes, FsyncPolicy.BATCH, 1);
    }

    Path onlySegment() throws IOException {
        try (var files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    @Test
    void entriesComeBackInOrderAcrossSegments() throws IOException {
        try (SegmentedLog log = open(512).log()) {
            log.append(entries(1, 1, 40));
            log.sync();
            assertTrue(log.segmentCount() > 3, "rolled over: " + log.segmentCount());
        }
        SegmentedLog.Opened again = open(512);
        try (SegmentedLog log = again.log()) {
            assertEquals(entries(1, 1, 40), again.entries());
            assertEquals(List.of(), again.notes());
            log.append(entries(1, 41, 41));
            assertEquals(41, log.lastSeq());
        }
    }

    /**
     * A crash tears the last record at any byte: recovery cuts exactly that record and keeps every record before
     * it (which a sync covered, as every acknowledged one was), and says what it cut.
     */
    @Test
    void aRecordTornAtAnyByteIsCutAndEverythingBeforeItKept() throws IOException {
        try (SegmentedLog log = open(1 << 20).log()) {
            log.append(entries(1, 1, 5));
            log.sync();
            log.append(entries(1, 6, 6));
        }
        Path file = onlySegment();
        byte[] whole = Files.readAllBytes(file);
        int lastStart = recordStart(whole, 6);
        for (int cut = lastStart; cut < whole.length; cut++) {
            Files.write(file, Arrays.copyOf(whole, cut));
            SegmentedLog.Opened opened = open(1 << 20);
            try (SegmentedLog log = opened.log()) {
                assertEquals(entries(1, 1, 5), opened.entries(), "torn at byte " + cut);
                assertEquals(cut == lastStart ? 0 : 1, opened.notes().size(), "torn at byte " + cut);
                assertEquals(lastStart, Files.size(file), "the torn bytes are gone");
                log.append(entries(2, 6, 6));
            }
            SegmentedLog.Opened reopened = open(1 << 20);
            reopened.log().close();
            assertEquals(entry(2, 6), reopened.entries().get(5), "what was written after the cut is read back");
        }
    }

    @Test
    void aGarbledLastRecordIsATornTail() throws IOException {
        try (SegmentedLog log = open(1 << 20).log()) {
            log.append(entries(1, 1, 3));
            log.sync();
        }
        Path file = onlySegment();
        byte[] whole = Files.readAllBytes(file);
        int lastStart = recordStart(whole, 3);
        for (int at = lastStart; at < whole.length; at++) {
            byte[] garbled = whole.clone();
            garbled[at] ^= 0x5a;
            Files.write(file, garbled);
            SegmentedLog.Opened opened = open(1 << 20);
            opened.log().close();
            assertEquals(entries(1, 1, 2), opened.entries(), "byte " + at + " garbled");
            assertTrue(
                    opened.notes().get(0).contains("from byte " + lastStart),
                    opened.notes().toString());
        }
    }

    @Test
    void aCorruptRecordInTheMiddleIsAnErrorNamingFileAndOffset() throws IOException {
        try (SegmentedLog log = open(1 << 20).log()) {
            log.append(entries(1, 1, 5));
            log.sync();
        }
        Path file = onlySegment();
        byte[] bytes = Files.readAllBytes(file);
        int third = recordStart(bytes, 3);
        bytes[third + 12] ^= 1;
        Files.write(file, bytes);
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(1 << 20));
        assertTrue(e.getMessage().startsWith(file + " is corrupt at byte " + third + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("a valid record follows"), e.getMessage());
        assertEquals(List.of(bytes.length), List.of((int) Files.size(file)), "nothing was cut");
    }

    @Test
    void aCorruptRecordInAnEarlierSegmentIsAnError() throws IOException {
        try (SegmentedLog log = open(256).log()) {
            log.append(entries(1, 1, 20));
            log.sync();
        }
        Path first = dir.resolve(SegmentedLog.nameOf(1));
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length - 1] ^= 1;
        Files.write(first, bytes);
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(256));
        assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not the last"), e.getMessage());
    }

    @Test
    void truncationDropsTheSuffixAcrossSegmentsDurably() throws IOException {
        try (SegmentedLog log = open(256).log()) {
            log.append(entries(1, 1, 20));
            log.truncateFrom(4);
            log.append(entries(2, 4, 6));
            log.sync();
        }
        List<Entry> expected = new ArrayList<>(entries(1, 1, 3));
        expected.addAll(entries(2, 4, 6));
        SegmentedLog.Opened opened = open(256);
        opened.log().close();
        assertEquals(expected, opened.entries());
    }

    @Test
    void compactionDeletesOnlySegmentsWhollyAtOrBelowTheSeq() throws IOException {
        try (SegmentedLog log = open(256).log()) {
            log.append(entries(1, 1, 20));
            int before = log.segmentCount();
            log.compactTo(10);
            assertTrue(log.segmentCount() < before);
            assertTrue(log.firstSegmentPath().getFileName().toString().compareTo(SegmentedLog.nameOf(11)) <= 0);
            log.compactTo(100);
            assertEquals(1, log.segmentCount(), "the last segment stays");
            assertEquals(20, log.lastSeq());
        }
    }

    /** Where the record of {@code seq} starts, walking the length fields from the header. */
    static int recordStart(byte[] segment, long seq) {
        int at = SegmentedLog.HEADER_BYTES;
        for (long s = 1; s < seq; s++) {
            int length = ByteBuffer.wrap(segment, at, 4).getInt();
            at += SegmentedLog.RECORD_HEADER_BYTES + length;
        }
        return at;
    }
}
