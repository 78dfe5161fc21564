package dev.archway.gateway.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A config document in a local file, re-read whenever its modification time, size or identity
 * changes. Polling (rather than a directory watch) also sees editors that replace the file and
 * files under symlinks that get swapped.
 */
public final class FileConfigSource implements ConfigSource {

  private static final Logger LOG = Logger.getLogger(FileConfigSource.class);

  private final Path file;
  private final Duration pollInterval;
  private final ConfigSink sink;
  private ScheduledExecutorService poller;
  private Stamp seen;
  private boolean missingReported;

  private record Stamp(FileTime modified, long size, Object key) {}

  public FileConfigSource(Path file, Duration pollInterval, ConfigSink sink) {
    this.file = file;
    this.pollInterval = pollInterval;
    this.sink = sink;
  }

  @Override
  public void start() {
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "archway-config-file");
      thread.setDaemon(true);
      return thread;
    });
    poller.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public String describe() {
    return "file " + file.toAbsolutePath() + " (checked every " + pollInterval.toMillis() + " ms)";
  }

  private void poll() {
    try {
      Stamp before = stamp();
      if (Objects.equals(before, seen)) {
        return;
      }
      String document = Files.readString(file);
      if (!before.equals(stamp())) {
        return; // being written right now: read it on the next round
      }
      seen = before;
      missingReported = false;
      sink.offer(document, "file " + file);
    } catch (NoSuchFileException e) {
      seen = null;
      if (!missingReported) {
        LOG.warnf("config file %s does not exist (yet); waiting for it", file.toAbsolutePath());
        missingReported = true;
      }
    } catch (IOException | RuntimeException e) {
      LOG.warnf("cannot read config file %s: %s", file.toAbsolutePath(), e.toString());
    }
  }

  private Stamp stamp() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
