package dev.archway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One rule of a Route, flattened: the requests it takes, what it does to them, where they go.
 *
 * <p>Routes appear in the document oldest first (then by name, then by rule), which is the last
 * tie-breaker of the precedence the gateway applies.
 *
 * @param name {@code namespace/route} of the Route this rule came from
 * @param rule index of the rule inside that Route
 * @param hosts host names the rule answers for: exact ({@code api.example.com}) or wildcard
 *     ({@code *.example.com}, one or more labels in front); empty means any host
 * @param matches alternatives; a request matching any one selects the rule. Never empty: the
 *     translator turns "no match" into one prefix match on {@code /}
 * @param filters what the rule does to the request and response; null means nothing
 * @param backends services and their weights; empty only when {@code filters.directResponse} is set
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RouteConfig(
    String name,
    int rule,
    List<String> hosts,
    List<MatchConfig> matches,
    RouteFilters filters,
    List<Backend> backends) {

  public RouteConfig {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    matches = matches == null ? List.of() : List.copyOf(matches);
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
