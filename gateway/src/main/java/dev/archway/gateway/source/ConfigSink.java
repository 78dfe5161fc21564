package dev.archway.gateway.source;

/** Takes config documents as a source finds them; returns at once, the document is applied later. */
public interface ConfigSink {

  /**
   * @param document the config document, JSON or YAML
   * @param origin where it came from, for logs and readiness, e.g. {@code file /etc/archway/config.yaml}
   */
  void offer(String document, String origin);

  /**
   * Tells that a source found a document it could not hand over whole (a missing or corrupt
   * shard); the running config stays, the rejection is reported like a refused document.
   *
   * @param origin where the document was to come from
   * @param message what is wrong, naming the object at fault
   */
  default void reject(String origin, String message) {}
}
