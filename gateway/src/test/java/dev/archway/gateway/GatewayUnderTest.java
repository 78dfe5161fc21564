package dev.archway.gateway;

import dev.archway.gateway.proxy.ListenerSet;
import dev.archway.gateway.proxy.ProxyOptions;
import dev.archway.gateway.proxy.RequestMetrics;
import dev.archway.gateway.source.LastKnownGoodStore;
import dev.archway.gateway.upstream.UpstreamSet;
import dev.archway.model.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The gateway's real parts, assembled as {@link Gateway} does, without Quarkus; listeners on 127.0.0.1. */
final class GatewayUnderTest implements AutoCloseable {

  static final ProxyOptions OPTIONS =
      new ProxyOptions("127.0.0.1", 2, Duration.ofSeconds(2), Duration.ofMillis(1500), 16);

  final LiveConfig live = new LiveConfig();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final GatewayMetrics metrics = new GatewayMetrics(registry);
  /** Names of the threads that answered requests. */
  final Set<String> servingThreads = ConcurrentHashMap.newKeySet();
  final ListenerSet listeners;
  final ConfigApplier applier;

  GatewayUnderTest(Vertx vertx) {
    this(vertx, Optional.empty());
  }

  GatewayUnderTest(Vertx vertx, Optional<LastKnownGoodStore> lastKnownGood) {
    this(vertx, lastKnownGood, OPTIONS);
  }

  GatewayUnderTest(Vertx vertx, ProxyOptions options) {
    this(vertx, Optional.empty(), options);
  }

  private GatewayUnderTest(Vertx vertx, Optional<LastKnownGoodStore> lastKnownGood, ProxyOptions options) {
    RequestMetrics recording = new RequestMetrics() {
      @Override
      public void record(String route, int status) {
        servingThreads.add(Thread.currentThread().getName());
        metrics.record(route, status);
      }

      @Override
      public void duration(String route, long nanos) {
        metrics.duration(route, nanos);
      }

      @Override
      public void upstreamResponse(String service, int status) {
        metrics.upstreamResponse(service, status);
      }

      @Override
      public void connectError(String service) {
        metrics.connectError(service);
      }

      @Override
      public void retry(String service) {
        metrics.retry(service);
      }

      @Override
      public void upstreamDuration(String service, long nanos) {
        metrics.upstreamDuration(service, nanos);
      }
    };
    listeners = new ListenerSet(vertx, options, live::routeTable, recording);
    metrics.downstreamConnections(listeners);
    applier = new ConfigApplier(live, listeners, new UpstreamSet(vertx, registry), lastKnownGood, metrics);
  }

  ApplyOutcome apply(GatewayConfig config) {
    return apply(Configs.json(config));
  }

  ApplyOutcome apply(String document) {
    try {
      return applier.submit(document, "test").get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  String version() {
    AppliedConfig applied = live.current();
    return applied == null ? null : applied.version();
  }

  @Override
  public void close() {
    applier.close();
    listeners.close();
  }
}
