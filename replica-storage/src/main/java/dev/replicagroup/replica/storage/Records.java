package dev.replicagroup.replica.storage;

import dev.replicagroup.replica.core.Entry;
import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.core.WriteResult;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The binary form of the core's values in every file of the data directory (big-endian, length-prefixed). */
final class Records {
    /** Far above the largest key and value ({@code Limits}): a length beyond it is corruption, not data. */
    static final int MAX_BYTES = 4 << 20;

    private static final byte NOOP = 0;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;

    private Records() {}

    static void writeEntry(DataOutput out, Entry entry) throws IOException {
        out.writeLong(entry.term());
        out.writeLong(entry.seq());
        writeString(out, entry.id().clientId());
        out.writeLong(entry.id().requestSeq());
        if (entry.op() instanceof Operation.Put put) {
            out.writeByte(PUT);
            writeString(out, put.key());
            writeBytes(out, put.value());
        } else if (entry.op() instanceof Operation.Delete delete) {
            out.writeByte(DELETE);
            writeString(out, delete.key());
        } else {
            out.writeByte(NOOP);
        }
    }

    static Entry readEntry(DataInput in) throws IOException {
        long term = in.readLong();
        long seq = in.readLong();
        WriteId id = new WriteId(readString(in), in.readLong());
        byte kind = in.readByte();
        Operation op = switch (kind) {
            case PUT -> new Operation.Put(readString(in), readBytes(in));
            case DELETE -> new Operation.Delete(readString(in));
            case NOOP -> new Operation.Noop();
            default -> throw new IOException("unknown operation " + kind);
        };
        return new Entry(term, seq, id, op);
    }

    static void writeResult(DataOutput out, WriteResult result) throws IOException {
        out.writeLong(result.term());
        out.writeLong(result.seq());
        out.writeBoolean(result.existed());
    }

    static WriteResult readResult(DataInput in) throws IOException {
        return new WriteResult(in.readLong(), in.readLong(), in.readBoolean());
    }

    static void writeString(DataOutput out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInput in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static byte[] readBytes(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_BYTES) {
            throw new IOException("a length of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
