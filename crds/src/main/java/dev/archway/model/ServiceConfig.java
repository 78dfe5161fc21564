package dev.archway.model;

import java.util.List;

/**
 * An upstream.
 *
 * @param name {@code namespace/name} of the Service it came from
 * @param loadBalancer algorithm: {@code RoundRobin}
 * @param targets endpoints that serve it
 */
public record ServiceConfig(String name, String loadBalancer, List<TargetConfig> targets) {

  public ServiceConfig {
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  /**
   * One endpoint of an upstream.
   *
   * @param host IP address or DNS name
   * @param port TCP port
   * @param weight relative weight
   */
  public record TargetConfig(String host, int port, int weight) {}
}
