package dev.archway.gateway;

import dev.archway.gateway.proxy.RequestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's meters: {@code archway_requests_total{route,status}},
 * {@code archway_config_info{version}} and {@code archway_config_reloads_total{result}}.
 */
public final class GatewayMetrics implements RequestMetrics {

  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter[]> requests = new ConcurrentHashMap<>();
  private final Counter applied;
  private final Counter rejected;
  private Gauge versionInfo;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.applied = reloads("applied");
    this.rejected = reloads("rejected");
  }

  private Counter reloads(String result) {
    return Counter.builder("archway.config.reloads")
        .description("Config documents offered to the gateway, by outcome")
        .tag("result", result)
        .register(registry);
  }

  @Override
  public void record(String route, int status) {
    Counter[] byClass = requests.get(route);
    if (byClass == null) {
      byClass = requests.computeIfAbsent(route, this::countersFor);
    }
    int statusClass = status / 100 - 1;
    if (statusClass >= 0 && statusClass < byClass.length) {
      byClass[statusClass].increment();
    }
  }

  private Counter[] countersFor(String route) {
    Counter[] counters = new Counter[STATUS_CLASSES.length];
    for (int i = 0; i < counters.length; i++) {
      counters[i] = Counter.builder("archway.requests")
          .description("Requests answered by the proxy, by route and status class")
          .tag("route", route)
          .tag("status", STATUS_CLASSES[i])
          .register(registry);
    }
    return counters;
  }

  synchronized void configApplied(String version) {
    applied.increment();
    if (versionInfo != null) {
      registry.remove(versionInfo);
    }
    versionInfo = Gauge.builder("archway.config.info", () -> 1)
        .description("The applied config, its version as a label")
        .tag("version", version)
        .register(registry);
  }

  void configRejected() {
    rejected.increment();
  }
}
