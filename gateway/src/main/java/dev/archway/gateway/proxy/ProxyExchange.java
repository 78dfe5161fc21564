package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.Route;
import dev.archway.gateway.routing.RouteMatch;
import dev.archway.gateway.upstream.Endpoint;
import dev.archway.gateway.upstream.Upstream;
import dev.archway.model.RouteFilters;
import dev.archway.model.ServiceConfig.HashPolicy;
import dev.archway.model.ServiceConfig.RetryPolicy;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One request relayed to a service: filters applied, a target picked by the service's balancer,
 * bodies streamed both ways with back pressure, retried by the service's policy, failures turned
 * into 502 (cannot reach), 503 (no healthy target) or 504 (too slow).
 *
 * <p>All of it runs on the event loop of the listener that took the request.
 */
final class ProxyExchange {

  private static final Logger LOG = Logger.getLogger(ProxyExchange.class);
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(
      HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final RouteMatch match;
  private final Route route;
  private final Upstream upstream;
  private final HttpClient client;
  private final ProxyOptions options;
  private final InFlight inFlight;
  private final RetryPolicy retry;
  private final boolean hasBody;
  /** Null when the request has no body. */
  private final RequestBody body;
  private String uri;
  private HostAndPort authority;
  private String hashKey;

  /** Tries started so far; a callback of an earlier try is stale. */
  private int tries;
  private Endpoint endpoint;
  private HttpClientRequest upstreamRequest;
  private boolean tryOpen;
  private boolean tryIsRetry;
  private boolean bodySent;
  /** The client's answer is decided: relayed, or a gateway reply. */
  private boolean decided;
  /** The client broke a limit: whatever the upstream still sends must not complete its answer. */
  private boolean clientFaulted;
  private boolean finished;
  private long requestTimer = -1;
  private long tryTimer = -1;

  ProxyExchange(
      Vertx vertx,
      HttpServerRequest request,
      RouteMatch match,
      Upstream upstream,
      HttpClient client,
      ProxyOptions options,
      InFlight inFlight) {
    this.vertx = vertx;
    this.request = request;
    this.match = match;
    this.route = match.route();
    this.upstream = upstream;
    this.client = client;
    this.options = options;
    this.inFlight = inFlight;
    this.retry = upstream.retry();
    this.hasBody = RequestBody.mayHave(request);
    this.body = hasBody ? new RequestBody(request) : null;
  }

  void start() {
    inFlight.started();
    upstream.requestStarted();
    HttpServerResponse response = request.response();
    response.endHandler(ended -> finish(false));
    response.closeHandler(closed -> finish(true)); // the client went away: so does the upstream exchange
    if (hasBody) {
      // hold the body until an upstream connection is there to take it
      request.pause();
    }
    prepare();
    Duration limit = upstream.requestTimeout(options.requestTimeout());
    if (!limit.isZero()) {
      requestTimer = vertx.setTimer(limit.toMillis(), id -> {
        requestTimer = -1;
        requestTimedOut();
      });
    }
    attempt(null, false);
  }

  /** The target of the latest try ({@code host:port}), or null before the first. */
  String target() {
    return endpoint == null ? null : endpoint.target().host() + ":" + endpoint.target().port();
  }

  /**
   * The client broke a limit while its body was being read (too large, stalled): the try is
   * dropped without blaming the target, and the client gets {@code status} if its answer has not
   * started, else a reset; the connection is closed either way.
   */
  void clientFault(int status, String message) {
    clientFaulted = true;
    if (tryOpen) {
      closeTry(); // first: the reset below completes this try's futures, which must find it stale
      if (upstreamRequest != null) {
        upstreamRequest.reset();
      }
    }
    decide();
    HttpServerResponse response = request.response();
    if (!finished && !response.headWritten()) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    GatewayReply.send(request, status, message, route.meters());
    request.connection().close();
  }

  /** URI and authority sent on every try. */
  private void prepare() {
    RouteFilters filters = route.filters();
    authority = UpstreamHead.authority(request, route);
    uri = PathRewrite.upstreamUri(request, filters == null ? null : filters.urlRewrite(), match);
    hashKey = hashKey(upstream.hashPolicy(), request);
  }

  private void attempt(Endpoint avoid, boolean isRetry) {
    Endpoint picked = upstream.pick(hashKey, avoid);
    if (picked == null) {
      if (isRetry) {
        upstream.retryFinished();
      }
      decide();
      resumeAndDrop();
      GatewayReply.send(request, 503, "service " + upstream.service() + " has no healthy target", route.meters());
      return;
    }
    endpoint = picked;
    int thisTry = ++tries;
    tryOpen = true;
    tryIsRetry = isRetry;
    upstreamRequest = null;
    upstream.tryStarted(picked);
    if (retry != null && retry.perTryTimeoutMillis() > 0) {
      tryTimer = vertx.setTimer(retry.perTryTimeoutMillis(), id -> {
        if (!stale(thisTry)) {
          tryTimer = -1;
          tryFailed(new TimeoutException("no answer within the per-try timeout"), false);
        }
      });
    }
    RequestOptions upstreamOptions =
        new RequestOptions()
            .setMethod(request.method())
            .setHost(picked.target().host())
            .setPort(picked.target().port())
            .setURI(uri)
            .setConnectTimeout(upstream.connectTimeout(options.connectTimeout()).toMillis())
            .setIdleTimeout(options.idleTimeout().toMillis());
    client.request(upstreamOptions).onComplete(connected -> {
      if (stale(thisTry)) {
        if (connected.succeeded()) {
          connected.result().reset();
        }
        return;
      }
      if (connected.failed()) {
        upstream.meters().connectError();
        tryFailed(connected.cause(), true);
      } else {
        send(connected.result(), thisTry);
      }
    });
  }

  private void send(HttpClientRequest sending, int thisTry) {
    upstreamRequest = sending;
    UpstreamHead.writeHeaders(request, route, sending.headers());
    // failures reach tryFailed() through the response future; without a handler Vert.x logs each one
    sending.exceptionHandler(ignored -> { });
    if (authority != null) {
      sending.authority(authority);
    }
    sending.response().onComplete(answered -> {
      if (stale(thisTry)) {
        return;
      }
      if (answered.failed()) {
        tryFailed(answered.cause(), false);
      } else {
        answered(answered.result());
      }
    });
    if (hasBody) {
      bodySent = true;
      body.sendTo(sending);
    } else {
      sending.end();
    }
  }

  private void answered(HttpClientResponse answer) {
    int status = answer.statusCode();
    upstream.meters().answered(status);
    upstream.report(endpoint, status);
    if (retry != null && retry.retryOn().contains(status) && mayRetry(false)) {
      Endpoint previous = endpoint;
      closeTry();
      answer.exceptionHandler(ignored -> { }); // the reset below is ours: no "Stream reset" error log
      answer.request().reset();
      upstream.meters().retry();
      attempt(previous, true);
      return;
    }
    cancelTryTimer(); // the per-try timeout covers the wait for the response head
    relay(answer, status);
  }

  private void relay(HttpClientResponse answer, int status) {
    decide();
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      answer.exceptionHandler(ignored -> { });
      answer.request().reset();
      return;
    }
    response.setStatusCode(status);
    response.setStatusMessage(answer.statusMessage());
    HopByHopHeaders.copyEndToEnd(answer.headers(), response.headers());
    RouteFilters filters = route.filters();
    if (filters != null) {
      HeaderFilter.apply(filters.responseHeaders(), response.headers());
      if (request.version() == HttpVersion.HTTP_2) {
        HopByHopHeaders.dropForHttp2(response.headers());
      }
    }
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH) && mayHaveBody(status)) {
      response.setChunked(true);
    }
    route.meters().answered(status);
    relayBody(answer, response);
  }

  /**
   * Streams the answer's body to the client with back pressure; like {@code pipe()} without
   * endOnFailure, but with no future per chunk. A failure on either side resets the client's
   * response (the close handler takes the upstream exchange down).
   */
  private void relayBody(HttpClientResponse answer, HttpServerResponse response) {
    answer.exceptionHandler(failed -> {
      closeTry();
      response.reset();
    });
    response.exceptionHandler(failed -> {
      closeTry();
      answer.request().reset();
      response.reset();
    });
    response.drainHandler(drained -> answer.resume());
    answer.handler(chunk -> {
      if (clientFaulted) {
        return;
      }
      response.write(chunk, null);
      if (response.writeQueueFull()) {
        answer.pause();
      }
    });
    answer.endHandler(ended -> {
      closeTry();
      if (clientFaulted) {
        response.reset(); // a truncated body must not look complete
        return;
      }
      response.end((io.vertx.core.Handler<io.vertx.core.AsyncResult<Void>>) null);
    });
  }

  /** The current try failed before an answer: connect failure, per-try or idle timeout, reset. */
  private void tryFailed(Throwable cause, boolean connectFailure) {
    Endpoint failed = endpoint;
    upstream.report(failed, 0);
    closeTry(); // first: the reset below completes this try's futures, which must find it stale
    if (upstreamRequest != null) {
      upstreamRequest.reset();
    }
    boolean timeout = isTimeout(cause);
    LOG.debugf("%s %s via %s to %s (%s) try %d: %s", request.method(), request.path(), route, failed,
        upstream.service(), tries, cause);
    boolean retriable = connectFailure || (timeout && retry != null && retry.retryOn().contains(504));
    if (retriable && mayRetry(connectFailure)) {
      upstream.meters().retry();
      attempt(failed, true);
      return;
    }
    fail(timeout);
  }

  /**
   * True when the policy and the budget allow one more try; acquires budget. A request whose body
   * went out is retried only on connect failures (the body is still held then); an
   * HTTP/2 stream that turned out to carry no body counts as bodiless.
   */
  private boolean mayRetry(boolean connectFailure) {
    if (retry == null || decided || finished || request.response().closed()) {
      return false;
    }
    if (!IDEMPOTENT.contains(request.method()) || tries > retry.attempts()) {
      return false;
    }
    if (!connectFailure && bodySent && !body.replayable()) {
      return false;
    }
    return upstream.tryRetry();
  }

  private void requestTimedOut() {
    if (finished) {
      return;
    }
    HttpServerResponse response = request.response();
    if (tryOpen) {
      upstream.report(endpoint, 0);
      closeTry();
      if (upstreamRequest != null) {
        upstreamRequest.reset();
      }
    }
    if (response.headWritten()) {
      response.reset(); // part of the answer is out: only closing tells the client it is incomplete
      return;
    }
    fail(true);
  }

  private void fail(boolean timeout) {
    decide();
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    resumeAndDrop();
    if (timeout) {
      GatewayReply.send(request, 504, "upstream " + upstream.service() + " did not answer in time",
          route.meters());
    } else {
      GatewayReply.send(request, 502, "upstream " + upstream.service() + " cannot be reached", route.meters());
    }
  }

  /** Drops whatever is left of the request body so the connection can carry the next request. */
  private void resumeAndDrop() {
    if (hasBody && !bodySent && !request.isEnded()) { // an HTTP/2 stream reset by the client is ended
      request.handler(null).resume();
    }
  }

  /** A callback of a try that is over, or of an exchange that is decided or finished. */
  private boolean stale(int thisTry) {
    return thisTry != tries || !tryOpen || decided || finished;
  }

  private void decide() {
    decided = true;
    cancelTryTimer();
  }

  private void closeTry() {
    if (tryOpen) {
      tryOpen = false;
      cancelTryTimer();
      upstream.tryEnded(endpoint);
      if (tryIsRetry) {
        upstream.retryFinished();
      }
    }
  }

  private void cancelTryTimer() {
    if (tryTimer >= 0) {
      vertx.cancelTimer(tryTimer);
      tryTimer = -1;
    }
  }

  private void finish(boolean clientGone) {
    if (finished) {
      return;
    }
    finished = true;
    if (requestTimer >= 0) {
      vertx.cancelTimer(requestTimer);
      requestTimer = -1;
    }
    if (clientGone && tryOpen) {
      closeTry();
      if (upstreamRequest != null) {
        upstreamRequest.reset();
      }
    }
    inFlight.finished();
    upstream.requestFinished();
  }

  private boolean mayHaveBody(int status) {
    return request.method() != HttpMethod.HEAD && status != 204 && status != 304 && status >= 200;
  }

  private static boolean isTimeout(Throwable cause) {
    return cause instanceof TimeoutException || cause instanceof ConnectTimeoutException
        || cause instanceof io.netty.handler.timeout.TimeoutException;
  }

  /** The key consistent hashing uses for this request, or null (then a random target). */
  static String hashKey(HashPolicy policy, HttpServerRequest request) {
    if (policy == null) {
      return null;
    }
    switch (policy.source()) {
      case HashPolicy.HEADER:
        return request.getHeader(policy.name());
      case HashPolicy.COOKIE:
        return cookie(request.headers().getAll(HttpHeaders.COOKIE), policy.name());
      default:
        SocketAddress remote = request.remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }
  }

  static String cookie(java.util.List<String> headers, String name) {
    for (String header : headers) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
          return pair.substring(eq + 1).trim();
        }
      }
    }
    return null;
  }
}
