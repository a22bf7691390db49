package dev.replicagroup.replica.storage;

import dev.replicagroup.replica.core.HardState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The hard state in {@code hardstate}: magic, version, term, primary, caught-up, peers, then a CRC32C of all
 * before it. Replaced atomically (temp file, fsync, rename, fsync of the directory): a crash leaves the old
 * one or the new one.
 */
final class HardStateFile {
    static final String NAME = "hardstate";
    private static final int MAGIC = 0x52474853; // "RGHS"
    private static final int VERSION = 1;

    private HardStateFile() {}

    static void write(Path dir, HardState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(state.term());
        Records.writeString(out, state.primary());
        out.writeBoolean(state.caughtUp());
        out.writeInt(state.peers().size());
        for (String peer : state.peers()) {
            Records.writeString(out, peer);
        }
        byte[] body = bytes.toByteArray();
        out.writeInt(crc(body, body.length));
        DurableFiles.replace(dir.resolve(NAME), bytes.toByteArray());
    }

    /** The recorded hard state; {@link HardState#NONE} if there is none yet. */
    static HardState read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return HardState.NONE;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 12) {
            throw new CorruptStorageException(file, 0, "it holds " + bytes.length + " bytes, too few for a hard state");
        }
        int body = bytes.length - 4;
        if (crc(bytes, body) != ByteBuffer.wrap(bytes, body, 4).getInt()) {
            throw new CorruptStorageException(file, body, "the checksum does not match the contents");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, body));
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            throw new CorruptStorageException(file, 0, "not a hard state file of this version");
        }
        long term = in.readLong();
        String primary = Records.readString(in);
        boolean caughtUp = in.readBoolean();
        int count = in.readInt();
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            peers.add(Records.readString(in));
        }
        return new HardState(term, primary, caughtUp, peers);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
