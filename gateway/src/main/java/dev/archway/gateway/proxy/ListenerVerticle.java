package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.RouteTable;
import dev.archway.gateway.tls.ListenerTls;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerOptions;
import java.util.function.Supplier;

/**
 * One instance of a proxy listener on its own event loop: a server on the shared port and
 * upstream connection pools of its own, so a request never hops threads.
 */
final class ListenerVerticle extends AbstractVerticle {

  private final int port;
  private final Supplier<RouteTable> routes;
  private final ProxyOptions options;
  private final RequestMetrics metrics;
  private final InFlight inFlight;
  private final ClientConnections connections;
  private final ListenerTls tls;
  private final OpenTunnels tunnels;
  private UpstreamClients clients;

  ListenerVerticle(
      int port,
      Supplier<RouteTable> routes,
      ProxyOptions options,
      RequestMetrics metrics,
      InFlight inFlight,
      ClientConnections connections,
      ListenerTls tls,
      OpenTunnels tunnels) {
    this.port = port;
    this.tls = tls;
    this.routes = routes;
    this.options = options;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.connections = connections;
    this.tunnels = tunnels;
  }

  @Override
  public void start(Promise<Void> started) {
    clients = new UpstreamClients(vertx, options);
    HttpServerOptions serverOptions = options.serverOptions();
    if (tls != null) {
      tls.configure(serverOptions);
    }
    vertx.createHttpServer(serverOptions)
        .connectionHandler(connection -> connections.opened(connection, serverOptions, options, metrics))
        .invalidRequestHandler(new InvalidRequestReply(metrics, options.accessLog()))
        .requestHandler(new ProxyHandler(vertx, routes, clients, options, metrics, inFlight, tunnels))
        .listen(port, options.bindHost())
        .<Void>mapEmpty()
        .onComplete(started);
  }

  @Override
  public void stop() {
    if (clients != null) {
      clients.close();
    }
  }
}
