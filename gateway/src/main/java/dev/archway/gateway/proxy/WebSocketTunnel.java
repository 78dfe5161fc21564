package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.Route;
import dev.archway.gateway.routing.RouteMatch;
import dev.archway.gateway.upstream.Endpoint;
import dev.archway.gateway.upstream.Upstream;
import io.vertx.core.MultiMap;
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
import io.vertx.core.net.NetSocket;
import org.jboss.logging.Logger;

/**
 * One WebSocket upgrade passed through: the client's handshake goes to a target of the route's
 * service like any request (route filters, {@code X-Forwarded-*}, balancing); when the target
 * answers 101 the client gets that answer and from then on the two TCP connections are joined
 * byte for byte, both ways, with back pressure, until either side closes (or fails), which closes
 * the other.
 *
 * <p>Why bytes and not frames: the gateway never parses WebSocket frames, so extensions
 * (permessage-deflate), subprotocols, masking and ping/pong are the endpoints' business and
 * nothing is re-encoded. Both ends use Vert.x's own tunnel support: {@link
 * HttpClientRequest#connect()} hands over the upstream connection as a socket after its 101, and
 * {@link HttpServerRequest#toNetSocket()} writes the 101 to the client and hands over the client's.
 *
 * <p>An answer other than 101 (a refusal such as 403, a 404 of the target) is relayed to the
 * client as an ordinary response. Failures before the answer are the gateway's usual 502 / 503 /
 * 504. No retries: a handshake is not repeated on another target.
 */
final class WebSocketTunnel {

  private static final Logger LOG = Logger.getLogger(WebSocketTunnel.class);

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final RouteMatch match;
  private final Route route;
  private final Upstream upstream;
  private final HttpClient client;
  private final ProxyOptions options;
  private final InFlight inFlight;
  private final OpenTunnels tunnels;

  private Endpoint endpoint;
  private HttpClientRequest upstreamRequest;
  /** The handshake's outcome is decided: relayed, tunnelled or a gateway reply. */
  private boolean decided;
  private boolean handshakeDone;
  private boolean tryOpen;
  private long timer = -1;

  WebSocketTunnel(
      Vertx vertx,
      HttpServerRequest request,
      RouteMatch match,
      Upstream upstream,
      HttpClient client,
      ProxyOptions options,
      InFlight inFlight,
      OpenTunnels tunnels) {
    this.vertx = vertx;
    this.request = request;
    this.match = match;
    this.route = match.route();
    this.upstream = upstream;
    this.client = client;
    this.options = options;
    this.inFlight = inFlight;
    this.tunnels = tunnels;
  }

  /** An HTTP/1.1 {@code GET} asking for {@code Upgrade: websocket}. */
  static boolean isUpgrade(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_1_1
        && request.method() == HttpMethod.GET
        && HopByHopHeaders.namedIn(request.getHeader(HttpHeaders.UPGRADE), "websocket")
        && HopByHopHeaders.namedIn(request.getHeader(HttpHeaders.CONNECTION), "upgrade");
  }

  void start() {
    inFlight.started();
    upstream.requestStarted();
    request.response().closeHandler(closed -> {
      if (!decided) { // the client went away during the handshake
        decided = true;
        if (upstreamRequest != null) {
          upstreamRequest.reset();
        }
        endTry();
        handshakeDone();
      }
    });
    endpoint = upstream.pick(ProxyExchange.hashKey(upstream.hashPolicy(), request), null);
    if (endpoint == null) {
      reply(503, "service " + upstream.service() + " has no healthy target");
      return;
    }
    upstream.tryStarted(endpoint);
    tryOpen = true;
    // the handshake is bounded by the idle timeout; an open tunnel may be silent as long as it likes
    timer = vertx.setTimer(options.idleTimeout().toMillis(), id -> {
      timer = -1;
      if (!decided) {
        upstream.report(endpoint, 0);
        if (upstreamRequest != null) {
          upstreamRequest.reset();
        }
        reply(504, "upstream " + upstream.service() + " did not answer the WebSocket handshake in time");
      }
    });
    RequestOptions target = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(endpoint.target().host())
        .setPort(endpoint.target().port())
        .setURI(uri())
        .setConnectTimeout(upstream.connectTimeout(options.connectTimeout()).toMillis());
    client.request(target).onComplete(connected -> {
      if (decided) {
        if (connected.succeeded()) {
          connected.result().reset();
        }
        return;
      }
      if (connected.failed()) {
        upstream.meters().connectError();
        upstream.report(endpoint, 0);
        LOG.debugf("WebSocket %s via %s to %s: %s", request.path(), route, endpoint, connected.cause());
        reply(502, "upstream " + upstream.service() + " cannot be reached");
        return;
      }
      send(connected.result());
    });
  }

  private void send(HttpClientRequest sending) {
    upstreamRequest = sending;
    MultiMap headers = sending.headers();
    UpstreamHead.writeHeaders(request, route, headers);
    HostAndPort authority = UpstreamHead.authority(request, route);
    if (authority != null) {
      sending.authority(authority);
    }
    // hop-by-hop, so dropped above; this hop asks for the same upgrade
    headers.set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
    headers.set(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET);
    sending.exceptionHandler(ignored -> { }); // failures arrive through the future below
    sending.connect().onComplete(answered -> {
      if (decided) {
        if (answered.succeeded() && answered.result().statusCode() == 101) {
          answered.result().netSocket().close();
        }
        return;
      }
      if (answered.failed()) {
        upstream.report(endpoint, 0);
        reply(502, "upstream " + upstream.service() + " failed the WebSocket handshake");
        return;
      }
      HttpClientResponse answer = answered.result();
      upstream.meters().answered(answer.statusCode());
      upstream.report(endpoint, answer.statusCode());
      if (answer.statusCode() == 101) {
        upgrade(answer);
      } else {
        relay(answer);
      }
    });
  }

  private void upgrade(HttpClientResponse answer) {
    decide();
    NetSocket toUpstream = answer.netSocket();
    toUpstream.pause(); // bytes the target sends right after its 101 wait for the client's socket
    HttpServerResponse response = request.response();
    response.setStatusCode(101);
    HopByHopHeaders.copyEndToEnd(answer.headers(), response.headers());
    if (route.filters() != null) {
      HeaderFilter.apply(route.filters().responseHeaders(), response.headers());
    }
    response.headers().set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
    response.headers().set(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET);
    request.toNetSocket().onComplete(switched -> {
      if (switched.failed()) {
        LOG.debugf("WebSocket %s via %s: client side cannot switch: %s", request.path(), route, switched.cause());
        toUpstream.close();
        request.connection().close();
        endTry();
        handshakeDone();
        return;
      }
      route.meters().answered(101);
      join(switched.result(), toUpstream);
      handshakeDone();
    });
  }

  private void join(NetSocket toClient, NetSocket toUpstream) {
    OpenTunnels.Tunnel tunnel = new OpenTunnels.Tunnel(toClient, toUpstream);
    tunnels.opened(tunnel);
    Runnable closed = () -> {
      if (tunnels.closed(tunnel)) {
        tunnel.close();
        endTry();
      }
    };
    toClient.closeHandler(c -> closed.run());
    toUpstream.closeHandler(c -> closed.run());
    // a failure on either side (reset, write to a closed peer) ends the tunnel; nothing to log
    toClient.exceptionHandler(failed -> closed.run());
    toUpstream.exceptionHandler(failed -> closed.run());
    relay(toClient, toUpstream);
    relay(toUpstream, toClient);
  }

  /** Copies what arrives on {@code from} to {@code to}, reading no faster than {@code to} writes. */
  private static void relay(NetSocket from, NetSocket to) {
    to.drainHandler(drained -> from.resume());
    from.handler(data -> {
      to.write(data);
      if (to.writeQueueFull()) {
        from.pause();
      }
    });
    from.resume();
  }

  private void relay(HttpClientResponse answer) {
    decide();
    HttpServerResponse response = request.response();
    response.setStatusCode(answer.statusCode());
    response.setStatusMessage(answer.statusMessage());
    HopByHopHeaders.copyEndToEnd(answer.headers(), response.headers());
    if (route.filters() != null) {
      HeaderFilter.apply(route.filters().responseHeaders(), response.headers());
    }
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
    }
    route.meters().answered(answer.statusCode());
    answer.pipeTo(response).onComplete(done -> {
      endTry();
      handshakeDone();
    });
  }

  private void reply(int status, String message) {
    decide();
    endTry();
    GatewayReply.send(request, status, message, route.meters());
    handshakeDone();
  }

  private void decide() {
    decided = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void endTry() {
    if (tryOpen) {
      tryOpen = false;
      upstream.tryEnded(endpoint);
    }
  }

  /** The handshake no longer counts as a request in flight (an open tunnel counts in {@link OpenTunnels}). */
  private void handshakeDone() {
    if (!handshakeDone) {
      handshakeDone = true;
      inFlight.finished();
      upstream.requestFinished();
    }
  }

  /** Path and query sent upstream, after the rule's URL rewrite. */
  private String uri() {
    return PathRewrite.upstreamUri(request, route.filters() == null ? null : route.filters().urlRewrite(), match);
  }
}
