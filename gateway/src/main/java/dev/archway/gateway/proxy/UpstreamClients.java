package dev.archway.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The upstream connection pools of one listener instance, one per keep-alive timeout in use
 * (services may set their own); only touched from that instance's event loop.
 */
final class UpstreamClients {

  /** Handshakes and tunnels at once per target and event loop; more wait for a slot. */
  private static final int MAX_TUNNELS_PER_TARGET = 100_000;

  private final Vertx vertx;
  private final ProxyOptions options;
  private final Map<Long, HttpClient> bySeconds = new HashMap<>();
  private HttpClient upgrades;

  UpstreamClients(Vertx vertx, ProxyOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  HttpClient forKeepAlive(Duration keepAlive) {
    long seconds = Math.max(1, (keepAlive.toMillis() + 999) / 1000);
    HttpClient client = bySeconds.get(seconds);
    if (client == null) {
      client = vertx.httpClientBuilder()
          .with(options.clientOptions(Duration.ofSeconds(seconds)))
          .with(options.poolOptions())
          .build();
      bySeconds.put(seconds, client);
    }
    return client;
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
