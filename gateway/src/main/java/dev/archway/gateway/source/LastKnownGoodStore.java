package dev.archway.gateway.source;

import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The last config this gateway applied, on local disk, so it can serve when the Kubernetes API
 * is unreachable at start. Replaced atomically: a reader sees the old file or the new, never half.
 */
public final class LastKnownGoodStore {

  /** Name of the file inside the directory. */
  public static final String FILE_NAME = "last-known-good.json";

  private final Path dir;
  private final Path file;

  public LastKnownGoodStore(Path dir) {
    this.dir = dir;
    this.file = dir.resolve(FILE_NAME);
  }

  public Path file() {
    return file;
  }

  /** Writes the config (canonical JSON, version included) to a temp file, syncs it, and moves it into place. */
  public void save(GatewayConfig config) throws IOException {
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + FILE_NAME + "-", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(ConfigCodec.encode(config).getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The stored document, if there is one. */
  public Optional<String> load() throws IOException {
    try {
      return Optional.of(Files.readString(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
