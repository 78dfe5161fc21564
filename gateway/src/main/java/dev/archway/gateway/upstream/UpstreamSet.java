package dev.archway.gateway.upstream;

import dev.archway.model.ServiceConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The upstreams of the live config and their health, carried across reloads: a service whose
 * targets and health settings did not change keeps its endpoints (health, ejections, requests
 * in flight) and its active checks; a removed or changed one has its checks stopped.
 *
 * <p>Driven from the config thread: {@link #prepare} before the swap, then {@link #commit} or
 * {@link #abandon}. Exposes {@code archway_upstream_target_healthy{service,target}}.
 */
public final class UpstreamSet implements AutoCloseable {

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final HttpClient checkClient;
  private volatile Map<String, Upstream> live = Map.of();
  private final Map<String, Gauge> gauges = new HashMap<>();

  public UpstreamSet(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.checkClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(4));
  }

  /** Upstreams for a new config, not live yet; health state reused where allowed, new checks started. */
  public synchronized Prepared prepare(List<ServiceConfig> services) {
    return prepare(services, name -> ServiceMeters.NONE);
  }

  /**
   * Upstreams for a new config, each counting its traffic in {@code meters.apply(serviceName)};
   * an unchanged service keeps its upstream, meters included.
   */
  public synchronized Prepared prepare(List<ServiceConfig> services, Function<String, ServiceMeters> meters) {
    Map<String, Upstream> next = new LinkedHashMap<>();
    List<ServiceHealth> started = new ArrayList<>();
    for (ServiceConfig service : services) {
      Upstream old = live.get(service.name());
      if (old != null && old.config().equals(service)) {
        next.put(service.name(), old);
      } else if (old != null && old.health().key().equals(ServiceHealth.Key.of(service))) {
        next.put(service.name(), new Upstream(service, old.health(), meters.apply(service.name())));
      } else {
        ServiceHealth health = new ServiceHealth(service);
        health.start(vertx, checkClient);
        started.add(health);
        next.put(service.name(), new Upstream(service, health, meters.apply(service.name())));
      }
    }
    return new Prepared(Map.copyOf(next), started);
  }

  /** The prepared upstreams went live: stop the checks of what they replaced, update gauges. */
  public synchronized void commit(Prepared prepared) {
    for (Upstream old : live.values()) {
      Upstream now = prepared.upstreams.get(old.service());
      if (now == null || now.health() != old.health()) {
        old.health().stop();
      }
    }
    live = prepared.upstreams;
    updateGauges();
  }

  /** The prepared config did not go live: stop the checks it started. */
  public synchronized void abandon(Prepared prepared) {
    prepared.started.forEach(ServiceHealth::stop);
  }

  /** The live upstreams by service name. */
  public synchronized Map<String, Upstream> live() {
    return live;
  }

  private void updateGauges() {
    if (registry == null) {
      return;
    }
    Map<String, String[]> wanted = new HashMap<>();
    for (Upstream upstream : live.values()) {
      for (Endpoint endpoint : upstream.health().endpoints()) {
        String target = endpoint.target().toString();
        wanted.put(upstream.service() + " " + target, new String[] {upstream.service(), target});
      }
    }
    gauges.entrySet().removeIf(e -> {
      if (!wanted.containsKey(e.getKey())) {
        registry.remove(e.getValue());
        return true;
      }
      return false;
    });
    wanted.forEach((key, tags) -> gauges.computeIfAbsent(key, k ->
        Gauge.builder("archway.upstream.target.healthy", this, set -> set.healthy(tags[0], tags[1]))
            .description("1 when the target passes health checks and is not ejected, else 0")
            .tag("service", tags[0])
            .tag("target", tags[1])
            .register(registry)));
  }

  private double healthy(String service, String target) {
    Upstream upstream = live.get(service);
    if (upstream == null) {
      return Double.NaN;
    }
    for (Endpoint endpoint : upstream.health().endpoints()) {
      if (endpoint.target().toString().equals(target)) {
        return endpoint.healthy() ? 1 : 0;
      }
    }
    return Double.NaN;
  }

  @Override
  public synchronized void close() {
    live.values().forEach(u -> u.health().stop());
    live = Map.of();
    checkClient.close();
  }

  /** Upstreams compiled for a config that is about to go live. */
  public static final class Prepared {
    private final Map<String, Upstream> upstreams;
    private final List<ServiceHealth> started;

    private Prepared(Map<String, Upstream> upstreams, List<ServiceHealth> started) {
      this.upstreams = upstreams;
      this.started = started;
    }

    public Map<String, Upstream> upstreams() {
      return upstreams;
    }
  }
}
