package dev.archway.gateway.source;

/** Takes config documents as a source finds them; returns at once, the document is applied later. */
public interface ConfigSink {

  /**
   * @param document the config document, JSON or YAML
   * @param origin where it came from, for logs and readiness, e.g. {@code file /etc/archway/config.yaml}
   */
  void offer(String document, String origin);
}
