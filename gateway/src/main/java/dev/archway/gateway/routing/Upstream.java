package dev.archway.gateway.routing;

import dev.archway.model.ServiceConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A compiled service: its targets, taken in weighted round-robin order; the rotation is shared by every route that uses the service. */
public final class Upstream {

  private final String service;
  private final Target[] targets;
  private final Weights weights;
  private final boolean evenlyWeighted;
  private final AtomicLong turn = new AtomicLong();

  private Upstream(String service, Target[] targets, Weights weights, boolean evenlyWeighted) {
    this.service = service;
    this.targets = targets;
    this.weights = weights;
    this.evenlyWeighted = evenlyWeighted;
  }

  static Upstream compile(ServiceConfig config) {
    List<ServiceConfig.TargetConfig> live =
        config.targets().stream().filter(t -> t.weight() > 0).toList();
    Target[] targets = live.stream().map(t -> new Target(t.host(), t.port())).toArray(Target[]::new);
    int[] raw = live.stream().mapToInt(ServiceConfig.TargetConfig::weight).toArray();
    boolean even = live.stream().mapToInt(ServiceConfig.TargetConfig::weight).distinct().count() <= 1;
    return new Upstream(config.name(), targets, Weights.of(raw), even);
  }

  /** Name of the service, {@code namespace/name}. */
  public String service() {
    return service;
  }

  /** The next target in rotation, or null when the service has no target with weight above 0. */
  public Target nextTarget() {
    if (targets.length == 0) {
      return null;
    }
    if (targets.length == 1) {
      return targets[0];
    }
    long n = turn.getAndIncrement();
    if (evenlyWeighted) {
      return targets[(int) Long.remainderUnsigned(n, targets.length)];
    }
    return targets[weights.indexOf((int) Long.remainderUnsigned(n, weights.total()))];
  }
}
