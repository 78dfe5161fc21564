package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.Target;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One request relayed to one target: headers filtered, bodies streamed both ways with back
 * pressure, failures turned into 502 (cannot reach) or 504 (too slow).
 */
final class ProxyExchange {

  private static final Logger LOG = Logger.getLogger(ProxyExchange.class);

  private final HttpServerRequest request;
  private final String route;
  private final String service;
  private final Target target;
  private final HttpClient client;
  private final ProxyOptions options;
  private final RequestMetrics metrics;
  private final InFlight inFlight;
  private HttpClientRequest upstream;
  private boolean finished;

  ProxyExchange(
      HttpServerRequest request,
      String route,
      String service,
      Target target,
      HttpClient client,
      ProxyOptions options,
      RequestMetrics metrics,
      InFlight inFlight) {
    this.request = request;
    this.route = route;
    this.service = service;
    this.target = target;
    this.client = client;
    this.options = options;
    this.metrics = metrics;
    this.inFlight = inFlight;
  }

  void start() {
    inFlight.started();
    HttpServerResponse response = request.response();
    response.endHandler(ended -> finish());
    response.closeHandler(closed -> {
      finish();
      if (upstream != null) {
        upstream.reset(); // the client went away: so does the upstream exchange
      }
    });
    // hold the body until the upstream connection is there to take it
    request.pause();
    MultiMap headers = HttpHeaders.headers();
    HopByHopHeaders.copyEndToEnd(request.headers(), headers);
    headers.remove(HttpHeaders.EXPECT);
    ForwardedHeaders.add(request, headers);
    RequestOptions upstreamOptions =
        new RequestOptions()
            .setMethod(request.method())
            .setHost(target.host())
            .setPort(target.port())
            .setURI(originForm())
            .setHeaders(headers)
            .setConnectTimeout(options.connectTimeout().toMillis())
            .setIdleTimeout(options.idleTimeout().toMillis());
    client.request(upstreamOptions).onComplete(connected -> {
      if (connected.failed()) {
        fail(connected.cause());
      } else {
        send(connected.result());
      }
    });
  }

  private void send(HttpClientRequest upstream) {
    this.upstream = upstream;
    if (request.response().closed()) {
      upstream.reset();
      return;
    }
    // failures reach fail() through the response future; without a handler Vert.x logs each one
    upstream.exceptionHandler(ignored -> { });
    String host = request.getHeader(HttpHeaders.HOST);
    if (host != null) {
      HostAndPort authority = HostAndPort.parseAuthority(host, -1);
      if (authority != null) {
        upstream.authority(authority);
      }
    }
    if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH) && isChunked(request.headers())) {
      upstream.setChunked(true);
    }
    upstream.response().onComplete(answered -> {
      if (answered.failed()) {
        fail(answered.cause());
      } else {
        relay(answered.result());
      }
    });
    request.pipe().endOnFailure(false).to(upstream).onFailure(broken -> upstream.reset());
  }

  private void relay(HttpClientResponse upstreamResponse) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      upstreamResponse.request().reset();
      return;
    }
    int status = upstreamResponse.statusCode();
    response.setStatusCode(status);
    response.setStatusMessage(upstreamResponse.statusMessage());
    HopByHopHeaders.copyEndToEnd(upstreamResponse.headers(), response.headers());
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH) && mayHaveBody(status)) {
      response.setChunked(true);
    }
    metrics.record(route, status);
    upstreamResponse.pipe().endOnFailure(false).to(response).onFailure(broken -> response.reset());
  }

  private void finish() {
    if (!finished) {
      finished = true;
      inFlight.finished();
    }
  }

  private void fail(Throwable cause) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      // part of the answer is out: only closing tells the client it is incomplete
      response.reset();
      return;
    }
    // drop whatever is left of the request body so the connection can carry the next request
    request.handler(null).resume();
    boolean timeout = cause instanceof TimeoutException || cause instanceof ConnectTimeoutException;
    LOG.debugf("%s %s via %s to %s (%s): %s", request.method(), request.path(), route, target, service, cause);
    if (timeout) {
      GatewayReply.send(request, 504, "upstream " + service + " did not answer in time", route, metrics);
    } else {
      GatewayReply.send(request, 502, "upstream " + service + " cannot be reached", route, metrics);
    }
  }

  /** Path and query only, also when the client sent an absolute URI. */
  private String originForm() {
    String uri = request.uri();
    if (uri.startsWith("/")) {
      return uri;
    }
    String path = request.path() == null || request.path().isEmpty() ? "/" : request.path();
    String query = request.query();
    return query == null ? path : path + "?" + query;
  }

  private boolean mayHaveBody(int status) {
    return request.method() != HttpMethod.HEAD && status != 204 && status != 304 && status >= 200;
  }

  private static boolean isChunked(MultiMap headers) {
    for (String value : headers.getAll(HttpHeaders.TRANSFER_ENCODING)) {
      if (value.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
        return true;
      }
    }
    return false;
  }
}
