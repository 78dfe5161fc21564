package dev.archway.gateway.proxy;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;

/**
 * How listeners serve and how they talk to upstreams.
 *
 * @param bindHost address every listener binds to
 * @param instances server instances per listener, each on its own event loop, sharing the port
 * @param connectTimeout how long to wait for an upstream connection (then 504)
 * @param idleTimeout how long an upstream may stay silent during an exchange (then 504)
 * @param maxConnectionsPerTarget pooled keep-alive connections per target and event loop
 * @param requestTimeout limit on a whole upstream exchange, retries included (then 504); zero: none
 * @param keepAliveTimeout an idle pooled upstream connection is closed after this
 * @param fault deliberate failures ({@link FaultInjection#NONE} in production)
 * @param limits what clients may send and how slowly
 * @param accessLog one JSON line per request on the log category {@code archway.access}
 * @param http2 HTTP/2 (h2c) towards clients
 */
public record ProxyOptions(
    String bindHost,
    int instances,
    Duration connectTimeout,
    Duration idleTimeout,
    int maxConnectionsPerTarget,
    Duration requestTimeout,
    Duration keepAliveTimeout,
    FaultInjection fault,
    ClientLimits limits,
    boolean accessLog,
    Http2Options http2) {

  public ProxyOptions {
    if (instances < 1) {
      throw new IllegalArgumentException("instances must be at least 1, was " + instances);
    }
  }

  /** With the default client limits, no access log, and h2c off (see {@link Http2Options}). */
  public ProxyOptions(
      String bindHost,
      int instances,
      Duration connectTimeout,
      Duration idleTimeout,
      int maxConnectionsPerTarget,
      Duration requestTimeout,
      Duration keepAliveTimeout,
      FaultInjection fault) {
    this(bindHost, instances, connectTimeout, idleTimeout, maxConnectionsPerTarget, requestTimeout,
        keepAliveTimeout, fault, ClientLimits.DEFAULTS, false, Http2Options.OFF);
  }

  /** Without fault injection. */
  public ProxyOptions(
      String bindHost,
      int instances,
      Duration connectTimeout,
      Duration idleTimeout,
      int maxConnectionsPerTarget,
      Duration requestTimeout,
      Duration keepAliveTimeout) {
    this(bindHost, instances, connectTimeout, idleTimeout, maxConnectionsPerTarget, requestTimeout,
        keepAliveTimeout, FaultInjection.NONE);
  }

  /** The same options with deliberate failures. */
  public ProxyOptions withFault(FaultInjection fault) {
    return new ProxyOptions(bindHost, instances, connectTimeout, idleTimeout, maxConnectionsPerTarget,
        requestTimeout, keepAliveTimeout, fault, limits, accessLog, http2);
  }

  /** The same options with other client limits. */
  public ProxyOptions withLimits(ClientLimits limits) {
    return new ProxyOptions(bindHost, instances, connectTimeout, idleTimeout, maxConnectionsPerTarget,
        requestTimeout, keepAliveTimeout, fault, limits, accessLog, http2);
  }

  /** The same options with the access log on or off. */
  public ProxyOptions withAccessLog(boolean accessLog) {
    return new ProxyOptions(bindHost, instances, connectTimeout, idleTimeout, maxConnectionsPerTarget,
        requestTimeout, keepAliveTimeout, fault, limits, accessLog, http2);
  }

  /** The same options with other HTTP/2 settings. */
  public ProxyOptions withHttp2(Http2Options http2) {
    return new ProxyOptions(bindHost, instances, connectTimeout, idleTimeout, maxConnectionsPerTarget,
        requestTimeout, keepAliveTimeout, fault, limits, accessLog, http2);
  }

  /** Without a request timeout, pooled connections kept 60 s. */
  public ProxyOptions(
      String bindHost, int instances, Duration connectTimeout, Duration idleTimeout, int maxConnectionsPerTarget) {
    this(bindHost, instances, connectTimeout, idleTimeout, maxConnectionsPerTarget, Duration.ZERO,
        Duration.ofSeconds(60));
  }

  HttpServerOptions serverOptions() {
    return http2.applyTo(limits.applyTo(new HttpServerOptions()))
        .setTcpNoDelay(true)
        // acknowledge at once instead of delaying ACKs (epoll only; NIO ignores it)
        .setTcpQuickAck(true)
        // bodies are relayed as they are: never (de)compressed by the gateway
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        // Expect: 100-continue is answered here; upstreams get the body without the handshake
        .setHandle100ContinueAutomatically(true);
  }

  HttpClientOptions clientOptions(Duration keepAlive) {
    return new HttpClientOptions()
        .setKeepAlive(true)
        .setKeepAliveTimeout((int) Math.max(1, (keepAlive.toMillis() + 999) / 1000))
        .setTcpNoDelay(true)
        .setTcpQuickAck(true)
        // relayed as they are: no Accept-Encoding added, no bodies inflated
        .setTryUseCompression(false)
        .setDecompressionSupported(false)
        // one request per connection at a time: a slow answer never holds up another
        .setPipelining(false)
        .setConnectTimeout((int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE));
  }
}
