package dev.archway.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The upstream connection pools of one listener instance, one per keep-alive timeout in use
 * (services may set their own); only touched from that instance's event loop.
 */
final class UpstreamClients {

  private final Vertx vertx;
  private final ProxyOptions options;
  private final Map<Long, HttpClient> bySeconds = new HashMap<>();

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
}
