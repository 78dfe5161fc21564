package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.RouteTable;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
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
  private final OpenTunnels tunnels;

  ListenerVerticle(
      int port,
      Supplier<RouteTable> routes,
      ProxyOptions options,
      RequestMetrics metrics,
      InFlight inFlight,
      OpenTunnels tunnels) {
    this.port = port;
    this.routes = routes;
    this.options = options;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.tunnels = tunnels;
  }

  @Override
  public void start(Promise<Void> started) {
    UpstreamClients clients = new UpstreamClients(vertx, options);
    vertx.createHttpServer(options.serverOptions())
        .requestHandler(new ProxyHandler(vertx, routes, clients, options, metrics, inFlight, tunnels))
        .listen(port, options.bindHost())
        .<Void>mapEmpty()
        .onComplete(started);
  }
}
