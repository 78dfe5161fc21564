package dev.archway.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import java.time.Duration;

/**
 * The upstream connections of one listener instance: a {@link UpstreamPool} for proxied
 * exchanges, and a Vert.x client for WebSocket handshakes; only touched from that instance's
 * event loop.
 */
final class UpstreamClients {

  /** Handshakes and tunnels at once per target and event loop; more wait for a slot. */
  private static final int MAX_TUNNELS_PER_TARGET = 100_000;

  private final Vertx vertx;
  private final ProxyOptions options;
  private final UpstreamPool exchanges;
  private HttpClient upgrades;

  UpstreamClients(Vertx vertx, ProxyOptions options) {
    this.vertx = vertx;
    this.options = options;
    ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    this.exchanges = new UpstreamPool((VertxInternal) vertx, context.nettyEventLoop(),
        options.clientOptions(options.keepAliveTimeout()), options.maxConnectionsPerTarget());
  }

  /** Keep-alive connections for proxied exchanges. */
  UpstreamPool exchanges() {
    return exchanges;
  }

  /** Closes the connections of proxied exchanges (WebSocket clients close with their verticle). */
  void close() {
    exchanges.close();
  }

  /**
   * For WebSocket handshakes, apart from the keep-alive pools: a connection that answers 101
   * leaves the pool as a tunnel, so tunnels never take the slots requests need. Keep-alive stays
   * on (off, the client would send {@code Connection: close} instead of {@code Upgrade}); a
   * connection that refused a handshake is closed after a second idle.
   */
  HttpClient forUpgrades() {
    if (upgrades == null) {
      upgrades = vertx.httpClientBuilder()
          .with(options.clientOptions(Duration.ofSeconds(1)))
          .with(new PoolOptions().setHttp1MaxSize(MAX_TUNNELS_PER_TARGET))
          .build();
    }
    return upgrades;
  }
}
