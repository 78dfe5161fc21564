package dev.archway.gateway.proxy;

import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;

/**
 * What a client may send and how slowly, so that one abusive client cannot hold connections or
 * push unbounded bodies at the upstreams.
 *
 * @param maxHeaderSize all request header lines together, in bytes (then 431)
 * @param maxRequestLine the request line (method, URI, version), in bytes (then 414)
 * @param maxBodySize a request body, in bytes, announced by Content-Length (then 413 before any
 *     upstream is contacted) or streamed chunked (then 413, or a reset once the answer started);
 *     0: no limit
 * @param headerTimeout from a request's first byte until its headers are complete (then 408 and
 *     the connection is closed); zero: none
 * @param bodyTimeout longest silence while a request body is being received (then 408, or a reset
 *     once the answer started); zero: none
 * @param idleTimeout a keep-alive connection with no request in progress is closed after this; zero: never
 */
public record ClientLimits(
    int maxHeaderSize,
    int maxRequestLine,
    long maxBodySize,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout) {

  /** The production defaults, also those of the {@code archway.limits.*} settings. */
  public static final ClientLimits DEFAULTS = new ClientLimits(
      32 * 1024, 8 * 1024, 10L * 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(75));

  public ClientLimits {
    if (maxHeaderSize < 1 || maxRequestLine < 1) {
      throw new IllegalArgumentException("max header size and request line must be at least 1 byte");
    }
    if (maxBodySize < 0) {
      throw new IllegalArgumentException("max body size must not be negative, was " + maxBodySize);
    }
    if (headerTimeout.isNegative() || bodyTimeout.isNegative() || idleTimeout.isNegative()) {
      throw new IllegalArgumentException("client timeouts must not be negative");
    }
  }

  /** Sets the sizes Vert.x and Netty enforce themselves (they answer 414 and 431). */
  HttpServerOptions applyTo(HttpServerOptions options) {
    options.setMaxHeaderSize(maxHeaderSize).setMaxInitialLineLength(maxRequestLine);
    // HTTP/2 (when a listener speaks it): the same header budget as a SETTINGS_MAX_HEADER_LIST_SIZE
    options.getInitialSettings().setMaxHeaderListSize(maxHeaderSize);
    return options;
  }

  /** True when a body of {@code length} bytes is over the limit. */
  boolean bodyTooLarge(long length) {
    return maxBodySize > 0 && length > maxBodySize;
  }
}
