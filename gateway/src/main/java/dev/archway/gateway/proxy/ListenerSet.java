package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.RouteTable;
import dev.archway.gateway.tls.CertificateLoadException;
import dev.archway.gateway.tls.CertificateReloader;
import dev.archway.gateway.tls.ListenerTls;
import dev.archway.gateway.tls.ServedCertificates;
import dev.archway.model.ListenerConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
  private final ClientConnections connections = new ClientConnections();
  private final CertificateReloader certificates;
  private final OpenTunnels tunnels = new OpenTunnels();

  /** An open listener; {@code tls} is null for plain HTTP. */
  private record Open(ListenerConfig config, String deployment, ListenerTls tls) {}

  /** Certificate files are checked for changes every 2 s, without an expiry gauge. */
  public ListenerSet(Vertx vertx, ProxyOptions options, Supplier<RouteTable> routes, RequestMetrics metrics) {
    this(vertx, options, routes, metrics, new CertificateReloader(Duration.ofSeconds(2), null));
  }

  /** @param certificates watches the files of HTTPS listeners; closed with this set */
  public ListenerSet(Vertx vertx, ProxyOptions options, Supplier<RouteTable> routes, RequestMetrics metrics,
      CertificateReloader certificates) {
    this.vertx = vertx;
    this.options = options;
    this.routes = routes;
    this.metrics = metrics;
    this.certificates = certificates;
  }

  /**
   * Opens every listener of {@code wanted} whose port is not open yet. All or nothing: when one
   * cannot bind, those opened by this call are closed again.
   *
   * @throws ListenerException naming the listener, e.g. {@code listeners[1].port}
   */
  public synchronized void openMissing(List<ListenerConfig> wanted) throws ListenerException {
    // before anything changes: the certificates of every HTTPS listener that is new or names other files
    Map<Integer, ServedCertificates> read = readCertificates(wanted);
    Map<Integer, Future<String>> opening = new LinkedHashMap<>();
    Map<Integer, Integer> index = new LinkedHashMap<>();
    Map<Integer, ListenerTls> tls = new HashMap<>();
    for (int i = 0; i < wanted.size(); i++) {
      ListenerConfig listener = wanted.get(i);
      if (open.containsKey(listener.port())) {
        continue;
      }
      int port = listener.port();
      index.put(port, i);
      ListenerTls listenerTls = listener.secure()
          ? new ListenerTls(vertx, listener.name(), listener.tls(), read.get(port)) : null;
      tls.put(port, listenerTls);
      opening.put(port, vertx.deployVerticle(
          () -> new ListenerVerticle(port, routes, options, metrics, inFlight, connections, listenerTls, tunnels),
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
        ListenerTls listenerTls = tls.get(listener.port());
        open.put(listener.port(), new Open(listener, deployment, listenerTls));
        if (listenerTls != null) {
          certificates.add(listenerTls);
        }
        LOG.infof("listener %s open on %s:%d (%s, %d event loops)", listener.name(), options.bindHost(),
            listener.port(), listenerTls == null ? "HTTP" : "HTTPS with " + listenerTls.served(), options.instances());
      } else {
        Open was = open.get(listener.port());
        ServedCertificates other = read.get(listener.port());
        if (other != null && was.tls() != null) {
          was.tls().replace(listener.tls(), other);
          LOG.infof("listener %s now serves %s", listener.name(), other);
          certificates.changed();
        }
        open.put(listener.port(), new Open(listener, was.deployment(), was.tls()));
      }
    }
  }

  /**
   * Reads the certificates of the HTTPS listeners that are new or name other files than the open
   * listener on their port, which must speak the same protocol (TLS cannot be switched on or off
   * on an open port).
   */
  private Map<Integer, ServedCertificates> readCertificates(List<ListenerConfig> wanted) throws ListenerException {
    Map<Integer, ServedCertificates> read = new HashMap<>();
    for (int i = 0; i < wanted.size(); i++) {
      ListenerConfig listener = wanted.get(i);
      Open was = open.get(listener.port());
      if (was != null && !Objects.equals(was.config().protocol(), listener.protocol())) {
        throw new ListenerException("listeners[" + i + "].protocol: port " + listener.port() + " is open as "
            + was.config().protocol() + " (listener " + was.config().name() + "); " + listener.protocol()
            + " on the same port needs a restart of the gateway, or another port", null);
      }
      if (!listener.secure() || (was != null && Objects.equals(was.config().tls(), listener.tls()))) {
        continue;
      }
      try {
        read.put(listener.port(), ServedCertificates.read(vertx, "listeners[" + i + "]", listener.tls()));
      } catch (CertificateLoadException e) {
        throw new ListenerException(e.getMessage() + " (listener " + listener.name() + ")", e);
      }
    }
    return read;
  }

  /** Closes every open listener whose port {@code wanted} does not list. */
  public synchronized void closeUnwanted(List<ListenerConfig> wanted) {
    Set<Integer> ports = wanted.stream().map(ListenerConfig::port).collect(Collectors.toSet());
    for (Integer port : new ArrayList<>(open.keySet())) {
      if (!ports.contains(port)) {
        Open closing = open.remove(port);
        if (closing.tls() != null) {
          certificates.remove(closing.tls());
        }
        undeploy(closing.deployment());
        LOG.infof("listener %s on %s:%d closed", closing.config().name(), options.bindHost(), port);
      }
    }
  }

  /**
   * Shutdown begins: listeners keep serving, but every answer from now on carries
   * {@code Connection: close} and ends its connection, so clients move to other gateways.
   */
  public void closeConnectionsAfterAnswers() {
    inFlight.startClosing();
  }

  /**
   * Waits (up to {@code timeout}) for the requests in flight to finish and the WebSocket tunnels
   * to be closed by their ends; listeners keep serving meanwhile. Then closes the tunnels still
   * open. Call before {@link #close()}, which cuts what is still running.
   */
  public void drain(Duration timeout) {
    inFlight.startClosing();
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

  /** Client connections open now on all listeners. */
  public long openConnections() {
    return connections.count();
  }

  /** Where the listeners report what they do. */
  public RequestMetrics metrics() {
    return metrics;
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
    certificates.close();
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
