package dev.archway.gateway;

import dev.archway.gateway.proxy.ListenerException;
import dev.archway.gateway.proxy.ListenerSet;
import dev.archway.gateway.routing.RouteTable;
import dev.archway.gateway.source.ConfigSink;
import dev.archway.gateway.upstream.UpstreamSet;
import dev.archway.gateway.source.LastKnownGoodStore;
import dev.archway.model.ConfigCodec;
import dev.archway.model.ConfigException;
import dev.archway.model.GatewayConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The apply pipeline: decode, compile, open listeners, swap, close listeners no longer wanted,
 * keep a copy on disk. A document goes live whole or not at all; a refused one leaves the
 * running config serving. Documents are applied one at a time, in the order offered, on a thread
 * of their own (never an event loop).
 */
public final class ConfigApplier implements ConfigSink, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ConfigApplier.class);

  private final LiveConfig live;
  private final ListenerSet listeners;
  private final UpstreamSet upstreams;
  private final Optional<LastKnownGoodStore> lastKnownGood;
  private final GatewayMetrics metrics;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "archway-config-apply");
        t.setDaemon(true);
        return t;
      });
  private volatile Rejection lastRejection;

  public ConfigApplier(
      LiveConfig live,
      ListenerSet listeners,
      UpstreamSet upstreams,
      Optional<LastKnownGoodStore> lastKnownGood,
      GatewayMetrics metrics) {
    this.live = live;
    this.listeners = listeners;
    this.upstreams = upstreams;
    this.lastKnownGood = lastKnownGood;
    this.metrics = metrics;
  }

  @Override
  public void offer(String document, String origin) {
    submit(document, origin);
  }

  @Override
  public void reject(String origin, String message) {
    // on the apply thread, so the rejection is ordered with the documents offered around it
    CompletableFuture.runAsync(() -> reject(origin, null, message), thread);
  }

  /** Queues a document; the future tells what became of it. */
  public CompletableFuture<ApplyOutcome> submit(String document, String origin) {
    return CompletableFuture.supplyAsync(() -> applyLogged(document, origin), thread);
  }

  /** The latest refused document, or null when the latest offered one was accepted. */
  public Rejection lastRejection() {
    return lastRejection;
  }

  private ApplyOutcome applyLogged(String document, String origin) {
    try {
      return apply(document, origin);
    } catch (RuntimeException | LinkageError e) {
      LOG.error("unexpected failure applying config from " + origin, e);
      return reject(origin, null, e.toString());
    }
  }

  private ApplyOutcome apply(String document, String origin) {
    long started = System.nanoTime();
    GatewayConfig config;
    try {
      config = ConfigCodec.decode(document);
    } catch (ConfigException e) {
      return reject(origin, null, e.getMessage());
    }
    try {
      AppliedConfig running = live.current();
      if (running != null && running.version().equals(config.version())) {
        LOG.debugf("config %s from %s is already applied", config.version(), origin);
        if (!running.origin().equals(origin)) {
          // same routes, new provenance: readiness shows e.g. that the API took over from the file
          live.swap(new AppliedConfig(running.config(), running.routes(), origin, running.appliedAt()));
          LOG.infof("config %s is now confirmed by %s", config.version(), origin);
        }
        lastRejection = null;
        return new ApplyOutcome(ApplyOutcome.Result.UNCHANGED, config.version(), null);
      }
      // meters resolved here, once per route and service, so requests look none up by name
      UpstreamSet.Prepared prepared = upstreams.prepare(config.services(), listeners.metrics()::service);
      RouteTable routes;
      try {
        routes = RouteTable.compile(config, prepared.upstreams(), listeners.metrics()::route);
        listeners.openMissing(config.listeners());
      } catch (ListenerException | RuntimeException e) {
        upstreams.abandon(prepared);
        throw e;
      }
      routes.warnings().forEach(w -> LOG.warnf("config %s: %s", config.version(), w));
      live.swap(new AppliedConfig(config, routes, origin, Instant.now()));
      upstreams.commit(prepared);
      listeners.closeUnwanted(config.listeners());
      lastRejection = null;
      metrics.configApplied(config.version(), System.nanoTime() - started);
      LOG.infof("applied config %s (%d routes, %d services) from %s",
          config.version(), config.routes().size(), config.services().size(), origin);
      lastKnownGood.ifPresent(store -> keep(store, config));
      return new ApplyOutcome(ApplyOutcome.Result.APPLIED, config.version(), null);
    } catch (ListenerException e) {
      return reject(origin, config.version(), e.getMessage());
    }
  }

  private ApplyOutcome reject(String origin, String version, String message) {
    AppliedConfig running = live.current();
    LOG.errorf("refused config%s from %s: %s; %s", version == null ? "" : " " + version, origin, message,
        running == null ? "no config is applied yet" : "still serving config " + running.version());
    lastRejection = new Rejection(origin, message, Instant.now());
    metrics.configRejected();
    return new ApplyOutcome(ApplyOutcome.Result.REJECTED, version, message);
  }

  private static void keep(LastKnownGoodStore store, GatewayConfig config) {
    try {
      store.save(config);
      LOG.debugf("config %s kept as last-known-good in %s", config.version(), store.file());
    } catch (IOException | RuntimeException e) {
      LOG.warnf("cannot write the last-known-good config to %s: %s", store.file(), e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    upstreams.close();
  }
}
