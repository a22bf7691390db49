package dev.replicagroup.replica.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A kind of file named by a seq: {@code prefix}, the seq in 20 digits, {@code suffix} (the log's segments, the
 * snapshots). The zero padding makes the names sort as their seqs do.
 */
record SeqNamedFiles(String prefix, String suffix) {
    String nameOf(long seq) {
        return String.format("%s%020d%s", prefix, seq, suffix);
    }

    /** Every file of this kind in {@code dir}, lowest seq first. */
    List<Path> in(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith(prefix) && name.endsWith(suffix);
                    })
                    .sorted()
                    .toList();
        }
    }
}
