package dev.archway.gateway.routing;

import java.util.concurrent.ThreadLocalRandom;

/** A compiled route rule: where its requests go, by backend weight. */
public final class Route {

  private final String name;
  private final int rule;
  private final Upstream[] backends;
  private final Weights weights;

  Route(String name, int rule, Upstream[] backends, Weights weights) {
    this.name = name;
    this.rule = rule;
    this.backends = backends;
    this.weights = weights;
  }

  /** {@code namespace/route} of the Route this rule came from. */
  public String name() {
    return name;
  }

  /** Index of the rule inside its Route. */
  public int rule() {
    return rule;
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
