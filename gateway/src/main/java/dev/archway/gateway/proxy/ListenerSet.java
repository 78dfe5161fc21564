package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.RouteTable;
import dev.archway.model.ListenerConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The proxy listeners that are open, keyed by port. Each listener is a deployment of
 * {@link ProxyOptions#instances()} server instances sharing its port, one per event loop.
 *
 * <p>Blocks while ports open and close, so it is driven from the config thread, never an event loop.
 */
public final class ListenerSet implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ListenerSet.class);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final ProxyOptions options;
  private final Supplier<RouteTable> routes;
  private final RequestMetrics metrics;
  private final Map<Integer, Open> open = new LinkedHashMap<>();
  private final InFlight inFlight = new InFlight();
  private final OpenTunnels tunnels = new OpenTunnels();

  private record Open(ListenerConfig config, String deployment) {}

  public ListenerSet(Vertx vertx, ProxyOptions options, Supplier<RouteTable> routes, RequestMetrics metrics) {
    this.vertx = vertx;
    this.options = options;
    this.routes = routes;
    this.metrics = metrics;
  }

  /**
   * Opens every listener of {@code wanted} whose port is not open yet. All or nothing: when one
   * cannot bind, those opened by this call are closed again.
   *
   * @throws ListenerException naming the listener, e.g. {@code listeners[1].port}
   */
  public synchronized void openMissing(List<ListenerConfig> wanted) throws ListenerException {
    Map<Integer, Future<String>> opening = new LinkedHashMap<>();
    Map<Integer, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < wanted.size(); i++) {
      ListenerConfig listener = wanted.get(i);
      if (open.containsKey(listener.port())) {
        continue;
      }
      int port = listener.port();
      index.put(port, i);
      opening.put(port, vertx.deployVerticle(
          () -> new ListenerVerticle(port, routes, options, metrics, inFlight, tunnels),
          new DeploymentOptions().setInstances(options.instances())));
    }
    ListenerException failure = null;
    Map<Integer, String> opened = new LinkedHashMap<>();
    for (Map.Entry<Integer, Future<String>> entry : opening.entrySet()) {
      int port = entry.getKey();
      try {
        opened.put(port, await(entry.getValue()));
      } catch (TimeoutException e) {
        // too slow to count on: when it does come up, take it down again
        entry.getValue().onSuccess(vertx::undeploy);
        if (failure == null) {
          failure = new ListenerException("listeners[" + index.get(port) + "].port: " + options.bindHost()
              + ":" + port + " did not open within " + WAIT.toSeconds() + " s", e);
        }
      } catch (Exception e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (failure == null) {
          failure = new ListenerException("listeners[" + index.get(port) + "].port: cannot listen on "
              + options.bindHost() + ":" + port + ": " + cause.getMessage(), cause);
        }
      }
    }
    if (failure != null) {
      opened.values().forEach(this::undeploy);
      throw failure;
    }
    for (int i = 0; i < wanted.size(); i++) {
      ListenerConfig listener = wanted.get(i);
      String deployment = opened.get(listener.port());
      if (deployment != null) {
        open.put(listener.port(), new Open(listener, deployment));
        LOG.infof("listener %s open on %s:%d (%d event loops)",
            listener.name(), options.bindHost(), listener.port(), options.instances());
      } else {
        open.computeIfPresent(listener.port(), (p, o) -> new Open(listener, o.deployment()));
      }
    }
  }

  /** Closes every open listener whose port {@code wanted} does not list. */
  public synchronized void closeUnwanted(List<ListenerConfig> wanted) {
    Set<Integer> ports = wanted.stream().map(ListenerConfig::port).collect(Collectors.toSet());
    for (Integer port : new ArrayList<>(open.keySet())) {
      if (!ports.contains(port)) {
        Open closing = open.remove(port);
        undeploy(closing.deployment());
        LOG.infof("listener %s on %s:%d closed", closing.config().name(), options.bindHost(), port);
      }
    }
  }

  /**
   * Waits (up to {@code timeout}) for the requests in flight to finish and the WebSocket tunnels
   * to be closed by their ends; listeners keep serving meanwhile. Then closes the tunnels still
   * open. Call before {@link #close()}, which cuts what is still running.
   */
  public void drain(Duration timeout) {
    long before = inFlight.count();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (inFlight.awaitNone(timeout)) {
        if (before > 0) {
          LOG.infof("drained %d requests in flight", before);
        }
      } else {
        LOG.warnf("%d requests still in flight after %d ms; closing anyway", inFlight.count(), timeout.toMillis());
      }
      if (!tunnels.awaitNone(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        LOG.infof("closing %d WebSocket tunnels still open after %d ms", tunnels.count(), timeout.toMillis());
        tunnels.closeAll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The listeners open now. */
  public synchronized List<ListenerConfig> bound() {
    return open.values().stream().map(Open::config).toList();
  }

  /** Ports with an open listener. */
  public synchronized Set<Integer> boundPorts() {
    return Set.copyOf(open.keySet());
  }

  @Override
  public synchronized void close() {
    tunnels.closeAll();
    open.values().forEach(o -> undeploy(o.deployment()));
    open.clear();
  }

  private void undeploy(String deployment) {
    try {
      await(vertx.undeploy(deployment));
    } catch (Exception e) {
      LOG.warnf("closing listener deployment %s: %s", deployment, e.toString());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
