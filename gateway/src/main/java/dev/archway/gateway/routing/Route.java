package dev.archway.gateway.routing;

import dev.archway.gateway.upstream.Upstream;
import dev.archway.model.RouteFilters;
import java.util.concurrent.ThreadLocalRandom;

/** A compiled route rule: what it does to requests (filters) and where they go, by backend weight. */
public final class Route {

  private final String name;
  private final int rule;
  private final Upstream[] backends;
  private final Weights weights;
  private final RouteFilters filters;
  private final RouteMeters meters;

  Route(String name, int rule, Upstream[] backends, Weights weights, RouteFilters filters, RouteMeters meters) {
    this.name = name;
    this.rule = rule;
    this.backends = backends;
    this.weights = weights;
    this.filters = filters;
    this.meters = meters;
  }

  /** {@code namespace/route} of the Route this rule came from. */
  public String name() {
    return name;
  }

  /** Index of the rule inside its Route. */
  public int rule() {
    return rule;
  }

  /** Where this route's answers are counted. */
  public RouteMeters meters() {
    return meters;
  }

  /** The rule's filters, or null for none. */
  public RouteFilters filters() {
    return filters;
  }

  /** The gateway's own answer when the rule has one, else null. */
  public RouteFilters.DirectResponse directResponse() {
    return filters == null ? null : filters.directResponse();
  }

  /** A backend picked at random by weight, or null when every backend has weight 0. */
  public Upstream pickBackend() {
    int total = weights.total();
    if (total == 0) {
      return null;
    }
    if (backends.length == 1) {
      return backends[0];
    }
    return backends[weights.indexOf(ThreadLocalRandom.current().nextInt(total))];
  }

  @Override
  public String toString() {
    return name + "#" + rule;
  }
}
