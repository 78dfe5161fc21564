package dev.archway.gateway;

import dev.archway.gateway.proxy.ClientLimits;
import dev.archway.gateway.proxy.FaultInjection;
import dev.archway.gateway.proxy.Http2Options;
import dev.archway.gateway.proxy.ListenerSet;
import dev.archway.gateway.proxy.ProxyOptions;
import dev.archway.gateway.source.ConfigMapConfigSource;
import dev.archway.gateway.source.ConfigSource;
import dev.archway.gateway.source.FileConfigSource;
import dev.archway.gateway.source.LastKnownGoodStore;
import dev.archway.gateway.tls.CertificateReloader;
import dev.archway.gateway.upstream.UpstreamSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The gateway process: wires settings to a config source, the apply pipeline and the proxy listeners. */
@Singleton
public class Gateway {

  private static final Logger LOG = Logger.getLogger(Gateway.class);

  private final GatewaySettings settings;
  private final Vertx vertx;
  private final MeterRegistry registry;
  private final LiveConfig live = new LiveConfig();
  private ListenerSet listeners;
  private ConfigApplier applier;
  private ConfigSource source;
  private KubernetesClient kubernetes;

  public Gateway(GatewaySettings settings, Vertx vertx, MeterRegistry registry) {
    this.settings = settings;
    this.vertx = vertx;
    this.registry = registry;
  }

  void start(@Observes StartupEvent event) {
    GatewayMetrics metrics = new GatewayMetrics(registry);
    GatewaySettings.ProxySettings proxy = settings.proxy();
    ProxyOptions options = new ProxyOptions(
        settings.bindHost(),
        proxy.instances().orElse(Runtime.getRuntime().availableProcessors()),
        proxy.connectTimeout(),
        proxy.idleTimeout(),
        proxy.maxConnectionsPerTarget(),
        proxy.requestTimeout(),
        proxy.keepAliveTimeout())
        .withFault(new FaultInjection(settings.fault().abortPercent(), settings.fault().abortStatus()))
        .withLimits(limits(settings.limits()))
        .withAccessLog(settings.accessLog().enabled())
        .withHttp2(new Http2Options(proxy.http2().enabled(), proxy.http2().maxConcurrentStreams()));
    if (options.fault().abortPercent() > 0) {
      LOG.warnf("fault injection on: %.1f %% of routed requests answered %d (archway.fault.*)",
          options.fault().abortPercent(), options.fault().abortStatus());
    }
    Optional<LastKnownGoodStore> lastKnownGood = settings.lastKnownGood().dir().map(LastKnownGoodStore::new);
    listeners = new ListenerSet(vertx, options, live::routeTable, metrics,
        new CertificateReloader(settings.tls().reloadInterval(), registry));
    metrics.downstreamConnections(listeners);
    applier = new ConfigApplier(live, listeners, new UpstreamSet(vertx, registry), lastKnownGood, metrics);
    source = switch (settings.config().source()) {
      case FILE -> fileSource();
      case KUBERNETES -> configMapSource(lastKnownGood);
    };
    LOG.infof("config from %s; listeners bind to %s; last-known-good: %s", source.describe(),
        settings.bindHost(), lastKnownGood.map(s -> s.file().toString()).orElse("off"));
    source.start();
  }

  private static ClientLimits limits(GatewaySettings.LimitsSettings limits) {
    try {
      return new ClientLimits(
          bytes("archway.limits.max-header-size", limits.maxHeaderSize()),
          bytes("archway.limits.max-request-line", limits.maxRequestLine()),
          limits.maxBodySize().asLongValue(),
          limits.headerTimeout(),
          limits.bodyTimeout(),
          limits.idleTimeout());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("archway.limits.*: " + e.getMessage(), e);
    }
  }

  private static int bytes(String setting, MemorySize size) {
    long value = size.asLongValue();
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new IllegalStateException(setting + " must be between 1 byte and 2G, was " + value);
    }
    return (int) value;
  }

  private ConfigSource fileSource() {
    GatewaySettings.ConfigSettings config = settings.config();
    return new FileConfigSource(
        config.file().orElseThrow(() -> new IllegalStateException(
            "archway.config.file (ARCHWAY_CONFIG_FILE) must name a config document when"
                + " archway.config.source is file")),
        config.pollInterval(),
        applier);
  }

  private ConfigSource configMapSource(Optional<LastKnownGoodStore> lastKnownGood) {
    GatewaySettings.ConfigSettings config = settings.config();
    String name = config.configMap().orElseThrow(() -> new IllegalStateException(
        "archway.config.config-map (ARCHWAY_CONFIG_CONFIG_MAP) must name a ConfigMap when"
            + " archway.config.source is kubernetes"));
    kubernetes = new KubernetesClientBuilder().build();
    String namespace = config.namespace().or(() -> Optional.ofNullable(kubernetes.getNamespace()))
        .orElseThrow(() -> new IllegalStateException(
            "archway.config.namespace (ARCHWAY_CONFIG_NAMESPACE) is not set and the Kubernetes"
                + " client configuration names no namespace"));
    return new ConfigMapConfigSource(
        kubernetes, namespace, name, config.key(), config.startupTimeout(), applier, lastKnownGood);
  }

  /** With QUARKUS_SHUTDOWN_DELAY set: readiness goes DOWN for the delay while traffic is still served. */
  void shutdownAnnounced(@Observes ShutdownDelayInitiatedEvent event) {
    LOG.info("shutting down: readiness is DOWN, still serving (answers close their connections)");
    live.drain();
    if (listeners != null) {
      listeners.closeConnectionsAfterAnswers();
    }
  }

  void stop(@Observes ShutdownEvent event) {
    live.drain();
    if (source != null) {
      source.close();
    }
    if (applier != null) {
      applier.close();
    }
    if (listeners != null) {
      listeners.drain(settings.drainTimeout());
      listeners.close();
    }
    if (kubernetes != null) {
      kubernetes.close();
    }
  }

  /** The config being served. */
  public LiveConfig live() {
    return live;
  }

  /** The apply pipeline, null until started. */
  public ConfigApplier applier() {
    return applier;
  }

  /** The open listeners, null until started. */
  public ListenerSet listeners() {
    return listeners;
  }
}
