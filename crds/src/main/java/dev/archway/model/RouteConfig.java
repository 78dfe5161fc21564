package dev.archway.model;

import java.util.List;

/**
 * One rule of a Route, flattened: the requests it takes and where they go.
 *
 * @param name {@code namespace/route} of the Route this rule came from
 * @param rule index of the rule inside that Route
 * @param hosts host names (no port) the rule answers for; empty means any host
 * @param pathPrefixes path prefixes, matched on whole segments; never empty
 * @param backends services and their weights
 */
public record RouteConfig(
    String name, int rule, List<String> hosts, List<String> pathPrefixes, List<Backend> backends) {

  public RouteConfig {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    pathPrefixes = pathPrefixes == null ? List.of() : List.copyOf(pathPrefixes);
    backends = backends == null ? List.of() : List.copyOf(backends);
  }

  /**
   * A share of a rule's traffic.
   *
   * @param service name of a {@link ServiceConfig} in the same document
   * @param weight relative share, 0 disables the backend
   */
  public record Backend(String service, int weight) {}
}
