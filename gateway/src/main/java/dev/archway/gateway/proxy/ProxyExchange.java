package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.Route;
import dev.archway.gateway.routing.RouteMatch;
import dev.archway.gateway.upstream.Endpoint;
import dev.archway.gateway.upstream.Upstream;
import dev.archway.model.RouteFilters;
import dev.archway.model.ServiceConfig.HashPolicy;
import dev.archway.model.ServiceConfig.RetryPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.VertxByteBufAllocator;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.headers.HeadersAdaptor;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
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
  private final UpstreamPool pool;
  private final ProxyOptions options;
  private final InFlight inFlight;
  private final RetryPolicy retry;
  private final boolean hasBody;
  /** Null when the request has no body. */
  private final RequestBody body;
  private String uri;
  private String authority;
  private String hashKey;
  private io.netty.handler.codec.http.HttpMethod method;

  /** Tries started so far; a callback of an earlier try is stale. */
  private int tries;
  /** Tries that went again on a fresh connection after a kept-alive one closed under them. */
  private int staleRetries;
  private Endpoint endpoint;
  /** The current try's state; null before the first. */
  private Try current;
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
      UpstreamPool pool,
      ProxyOptions options,
      InFlight inFlight) {
    this.vertx = vertx;
    this.request = request;
    this.match = match;
    this.route = match.route();
    this.upstream = upstream;
    this.pool = pool;
    this.options = options;
    this.inFlight = inFlight;
    this.retry = upstream.retry();
    this.hasBody = RequestBody.mayHave(request);
    this.body = hasBody ? new RequestBody(pool.loop(), request, options.limits(), this::clientFault) : null;
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
    return endpoint == null ? null : endpoint.target().toString();
  }

  /**
   * The client broke a limit while its body was being read (too large, stalled): the try is
   * dropped without blaming the target, and the client gets {@code status} if its answer has not
   * started, else a reset; the connection is closed either way.
   */
  void clientFault(int status, String message) {
    clientFaulted = true;
    abortTry(); // first: the try must find itself stale
    decide();
    HttpServerResponse response = request.response();
    if (request.version() == HttpVersion.HTTP_2) {
      // only this stream is at fault: the answer, or a reset of the stream; the connection stays
      request.handler(null);
      GatewayReply.send(request, status, message, route.meters());
      return;
    }
    if (!finished && !response.headWritten()) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    GatewayReply.send(request, status, message, route.meters());
    request.connection().close();
  }

  /** URI, method and authority sent on every try. */
  private void prepare() {
    RouteFilters filters = route.filters();
    authority = UpstreamHead.authorityText(request, route);
    uri = PathRewrite.upstreamUri(request, filters == null ? null : filters.urlRewrite(), match);
    method = request.method().toNetty();
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
    tryOn(picked, isRetry, false);
  }

  /**
   * Starts a try on {@code picked}.
   *
   * @param fresh on a new connection, not a kept-alive one
   */
  private void tryOn(Endpoint picked, boolean isRetry, boolean fresh) {
    endpoint = picked;
    tries++;
    tryOpen = true;
    tryIsRetry = isRetry;
    Try attempt = new Try();
    current = attempt;
    upstream.tryStarted(picked);
    if (retry != null && retry.perTryTimeoutMillis() > 0) {
      tryTimer = vertx.setTimer(retry.perTryTimeoutMillis(), id -> {
        if (!stale(attempt)) {
          tryTimer = -1;
          tryFailed(new TimeoutException("no answer within the per-try timeout"), false);
        }
      });
    }
    attempt.ticket = pool.acquire(picked.target(), upstream.connectTimeout(options.connectTimeout()).toMillis(),
        fresh, attempt);
  }

  /** One try: the connection it waits for or uses, and what that connection reports. */
  private final class Try implements UpstreamPool.Waiter, UpstreamConnection.Exchange {

    final long started = System.nanoTime();
    UpstreamPool.Ticket ticket;
    UpstreamConnection connection;
    boolean reusedConnection;

    @Override
    public void acquired(UpstreamConnection acquired) {
      ticket = null;
      if (stale(this)) {
        // not needed any more, but sound: kept for the next exchange
        pool.release(acquired, keepAliveMillis());
        return;
      }
      connection = acquired;
      reusedConnection = acquired.reused();
      send(this);
    }

    @Override
    public void failed(Throwable cause) {
      ticket = null;
      if (!stale(this)) {
        upstream.meters().connectError();
        tryFailed(cause, true);
      }
    }

    @Override
    public void head(HttpResponse head) {
      if (!stale(this)) {
        answered(this, head);
      }
    }

    @Override
    public void content(ByteBuf content) {
      if (relaying == this && !clientFaulted) {
        relayChunk(content);
      }
    }

    @Override
    public void end(ByteBuf last) {
      if (relaying == this) {
        relayEnded(last);
      }
    }

    @Override
    public void failed(Throwable cause, boolean answerStarted) {
      if (relaying == this) {
        closeTry();
        request.response().reset(); // a truncated answer must not look complete
      } else if (!stale(this)) {
        if (!answerStarted && reusedConnection && cause instanceof UpstreamConnection.Closed && mayRetryStale()) {
          staleRetry(cause);
        } else {
          tryFailed(cause, false);
        }
      }
    }

    /** Gives up this try's connection (closed: its exchange can't be finished) or its place in line. */
    void abandon() {
      if (ticket != null) {
        ticket.cancel();
        ticket = null;
      }
      if (connection != null) {
        connection.abort();
      }
    }
  }

  /** The try whose answer is being relayed to the client; null until then. */
  private Try relaying;

  private void send(Try attempt) {
    HeadersMultiMap headers = HeadersMultiMap.httpHeaders();
    UpstreamHead.writeHeaders(request, route, headers);
    headers.set(HttpHeaders.HOST, authority != null ? authority : hostHeader(attempt.connection.target()));
    UpstreamConnection.Body sending = attempt.connection.send(attempt, method, uri, headers, hasBody,
        options.idleTimeout().toMillis(), keepAliveMillis());
    if (sending != null) {
      bodySent = true;
      body.sendTo(sending);
    }
  }

  /** {@code host:port} of the target, an IPv6 address in brackets: for a client that named no host. */
  private static String hostHeader(dev.archway.gateway.upstream.Target target) {
    String host = target.host();
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + target.port();
  }

  private long keepAliveMillis() {
    return upstream.keepAliveTimeout(options.keepAliveTimeout()).toMillis();
  }

  private void answered(Try attempt, HttpResponse head) {
    int status = head.status().code();
    upstream.meters().answered(status);
    upstream.meters().answerTime(System.nanoTime() - attempt.started);
    upstream.report(endpoint, status);
    if (retry != null && retry.retryOn().contains(status) && mayRetry(false)) {
      Endpoint previous = endpoint;
      abortTry();
      upstream.meters().retry();
      attempt(previous, true);
      return;
    }
    cancelTryTimer(); // the per-try timeout covers the wait for the response head
    relay(attempt, head, status);
  }

  private void relay(Try attempt, HttpResponse head, int status) {
    decide();
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      abortTry();
      return;
    }
    relaying = attempt;
    response.setStatusCode(status);
    response.setStatusMessage(head.status().reasonPhrase());
    HopByHopHeaders.copyEndToEnd(new HeadersAdaptor(head.headers()), response.headers());
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
    // the client is slower than the upstream: stop reading the upstream until it caught up
    response.drainHandler(drained -> {
      if (relaying == attempt && tryOpen) { // the connection may be serving another exchange by now
        attempt.connection.resumeReading();
      }
    });
    response.exceptionHandler(failed -> {
      if (relaying == attempt) { // else the connection may be serving another exchange by now
        abortTry();
      }
      response.reset();
    });
  }

  /** Copies a part of the answer's body to the client (the upstream's buffer is reused after this). */
  private void relayChunk(ByteBuf content) {
    HttpServerResponse response = request.response();
    response.write(copy(content), null);
    if (response.writeQueueFull()) {
      relaying.connection.pauseReading();
    }
  }

  /** The answer is complete: so is the client's, its last part written with the end. */
  private void relayEnded(ByteBuf last) {
    closeTry();
    if (clientFaulted) {
      request.response().reset(); // a truncated body must not look complete
      return;
    }
    if (last == null) {
      request.response().end((io.vertx.core.Handler<io.vertx.core.AsyncResult<Void>>) null);
    } else {
      request.response().end(copy(last), null);
    }
  }

  /** One copy into a Vert.x heap buffer (what Vert.x's own client does with what it reads). */
  private static Buffer copy(ByteBuf content) {
    int length = content.readableBytes();
    return Buffer.buffer(VertxByteBufAllocator.DEFAULT.heapBuffer(length, length).writeBytes(content));
  }

  /** The current try failed before an answer: connect failure, per-try or idle timeout, reset. */
  private void tryFailed(Throwable cause, boolean connectFailure) {
    Endpoint failed = endpoint;
    upstream.report(failed, 0);
    abortTry();
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
   * A kept-alive connection closed before any of the answer arrived: most likely the upstream
   * closed it as idle while the request was on its way, and never saw the request. The request
   * goes again, once, on a new connection to the same target, without blaming the target and
   * whatever the service's retry policy (nginx and Envoy do the same).
   */
  private void staleRetry(Throwable cause) {
    LOG.debugf("%s %s via %s to %s: kept-alive connection closed under the request (%s), again on a new one",
        request.method(), request.path(), route, endpoint, cause.getMessage());
    staleRetries++;
    boolean wasRetry = tryIsRetry;
    tryIsRetry = false; // the retry budget it may hold carries over to the new try
    abortTry();
    tryOn(endpoint, wasRetry, true);
  }

  /**
   * Whether a request may go again after its kept-alive connection closed under it: only once, only
   * for an idempotent method (a server may have closed while processing it), and only while its body
   * can be sent again.
   */
  private boolean mayRetryStale() {
    return staleRetries == 0 && !decided && !finished && IDEMPOTENT.contains(request.method())
        && (!bodySent || body.replayable());
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
    if (!IDEMPOTENT.contains(request.method()) || tries - staleRetries > retry.attempts()) {
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
    }
    abortTry();
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
  private boolean stale(Try attempt) {
    return attempt != current || !tryOpen || decided || finished;
  }

  private void decide() {
    decided = true;
    cancelTryTimer();
  }

  /**
   * Ends the current try, if open, and gives up its connection or its place in line (in that
   * order: the connection's last callbacks must find the try over).
   */
  private void abortTry() {
    if (tryOpen) {
      Try attempt = current;
      closeTry();
      attempt.abandon();
    }
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
    if (clientGone) {
      abortTry();
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
