package dev.archway.gateway.proxy;

import io.vertx.core.http.HttpServerOptions;

/**
 * HTTP/2 towards clients on cleartext listeners: h2c with prior knowledge and by
 * {@code Upgrade: h2c} from HTTP/1.1 (Vert.x has one switch for both). Upstreams are always
 * spoken to over HTTP/1.1 keep-alive pools; each client stream becomes one upstream exchange.
 *
 * <p>Off by default: with h2c on, Vert.x 4 decodes the first request of every cleartext
 * connection (to look for {@code Upgrade: h2c}) before {@link ConnectionGuard} can take over, so
 * that request gets only Netty's own checks: no header timeout (slowloris), Content-Length with
 * Transfer-Encoding not refused, no 413 before the upstream is contacted. HTTPS listeners offer
 * HTTP/2 by ALPN regardless of this switch.
 *
 * @param enabled false: listeners speak HTTP/1.x only (an {@code Upgrade: h2c} is ignored)
 * @param maxConcurrentStreams streams a client may have open at once on one connection
 */
public record Http2Options(boolean enabled, long maxConcurrentStreams) {

  /** On, with the HTTP/2 server's default of 100 streams per connection. */
  public static final Http2Options DEFAULT =
      new Http2Options(true, HttpServerOptions.DEFAULT_INITIAL_SETTINGS_MAX_CONCURRENT_STREAMS);

  /** HTTP/1.x only. */
  public static final Http2Options OFF = new Http2Options(false, DEFAULT.maxConcurrentStreams());

  public Http2Options {
    if (maxConcurrentStreams < 1 || maxConcurrentStreams > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(
          "archway.proxy.http2.max-concurrent-streams must be 1 to 4294967295, was " + maxConcurrentStreams);
    }
  }

  HttpServerOptions applyTo(HttpServerOptions server) {
    server.setHttp2ClearTextEnabled(enabled);
    if (enabled) {
      server.getInitialSettings().setMaxConcurrentStreams(maxConcurrentStreams);
    }
    return server;
  }
}
