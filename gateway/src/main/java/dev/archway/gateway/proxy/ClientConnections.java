package dev.archway.gateway.proxy;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.atomic.LongAdder;

/** Client connections open on all listeners (the gauge {@code archway_downstream_connections}); guards each. */
final class ClientConnections {

  private final LongAdder open = new LongAdder();

  /** A listener accepted {@code connection}: counted until it closes, and guarded when HTTP/1.x. */
  void opened(HttpConnection connection, HttpServerOptions serverOptions, ProxyOptions options,
      RequestMetrics metrics) {
    open.increment();
    connection.closeHandler(closed -> open.decrement());
    ConnectionGuard.install(connection, serverOptions, options.limits(), metrics, options.accessLog());
  }

  long count() {
    return open.sum();
  }
}
