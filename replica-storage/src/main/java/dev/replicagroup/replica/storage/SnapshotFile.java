package dev.replicagroup.replica.storage;

import dev.replicagroup.replica.core.DedupRecord;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Snapshot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A snapshot in {@code snapshot-<seq>.snap}: magic, version, its position, the key-value pairs, the dedup records
 * in eviction order, then a CRC32C of all before it. Written to a temporary file, fsynced and renamed, so a
 * snapshot file that exists is complete; streamed, so a large store is never copied into one array.
 */
final class SnapshotFile {
    private static final int MAGIC = 0x52475350; // "RGSP"
    private static final int VERSION = 1;
    private static final SeqNamedFiles SNAPSHOTS = new SeqNamedFiles("snapshot-", ".snap");

    private SnapshotFile() {}

    static Path pathOf(Path dir, long seq) {
        return dir.resolve(SNAPSHOTS.nameOf(seq));
    }

    static void write(Path dir, Snapshot snapshot) throws IOException {
        Path target = pathOf(dir, snapshot.lastIncluded().seq());
        Path temp = Files.createTempFile(dir, SNAPSHOTS.prefix(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream file = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                CheckedOutputStream checked = new CheckedOutputStream(file, new CRC32C());
                DataOutputStream out = new DataOutputStream(checked);
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeLong(snapshot.lastIncluded().term());
                out.writeLong(snapshot.lastIncluded().seq());
                out.writeInt(snapshot.data().size());
                for (Map.Entry<String, byte[]> e : snapshot.data().entrySet()) {
                    Records.writeString(out, e.getKey());
                    Records.writeBytes(out, e.getValue());
                }
                out.writeInt(snapshot.dedup().size());
                for (DedupRecord r : snapshot.dedup()) {
                    Records.writeString(out, r.clientId());
                    out.writeLong(r.requestSeq());
                    Records.writeResult(out, r.result());
                }
                out.flush();
                new DataOutputStream(file).writeInt((int) checked.getChecksum().getValue());
                file.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            DurableFiles.syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Every snapshot file of the directory, oldest first. */
    static List<Path> all(Path dir) throws IOException {
        return SNAPSHOTS.in(dir);
    }

    /** The newest snapshot, if any; a corrupt one is an error, never skipped for an older one. */
    static Optional<Snapshot> readNewest(Path dir) throws IOException {
        List<Path> all = all(dir);
        return all.isEmpty() ? Optional.empty() : Optional.of(read(all.get(all.size() - 1)));
    }

    static Snapshot read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            Counting counting = new Counting(new BufferedInputStream(raw, 1 << 16));
            CheckedInputStream checked = new CheckedInputStream(counting, new CRC32C());
            DataInputStream in = new DataInputStream(checked);
            try {
                if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                    throw new CorruptStorageException(file, 0, "not a snapshot file of this version");
                }
                LogPosition position = new LogPosition(in.readLong(), in.readLong());
                int size = in.readInt();
                Map<String, byte[]> data = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    data.put(Records.readString(in), Records.readBytes(in));
                }
                int records = in.readInt();
                List<DedupRecord> dedup = new ArrayList<>();
                for (int i = 0; i < records; i++) {
                    dedup.add(new DedupRecord(Records.readString(in), in.readLong(), Records.readResult(in)));
                }
                long trailerAt = counting.count;
                int computed = (int) checked.getChecksum().getValue();
                int stored = new DataInputStream(counting).readInt();
                if (computed != stored) {
                    throw new CorruptStorageException(file, trailerAt, "the checksum does not match the contents");
                }
                if (counting.read() != -1) {
                    throw new CorruptStorageException(file, counting.count - 1, "bytes follow the checksum");
                }
                return new Snapshot(position, Map.copyOf(data), List.copyOf(dedup));
            } catch (EOFException e) {
                throw new CorruptStorageException(file, counting.count, "it ends before the snapshot does");
            } catch (CorruptStorageException e) {
                throw e;
            } catch (IOException e) {
                throw new CorruptStorageException(file, counting.count, "unreadable: " + e.getMessage());
            }
        }
    }

    /** Counts the bytes read, for the offset an error names. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
