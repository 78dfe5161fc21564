package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.route;
import static dev.archway.gateway.Configs.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.gateway.TestUpstream.Received;
import dev.archway.gateway.proxy.ClientLimits;
import dev.archway.gateway.proxy.Http2Options;
import dev.archway.gateway.proxy.ProxyOptions;
import dev.archway.model.MatchConfig;
import dev.archway.model.RouteFilters;
import dev.archway.model.RouteFilters.DirectResponse;
import dev.archway.model.RouteFilters.Header;
import dev.archway.model.RouteFilters.HeaderModifier;
import dev.archway.model.ServiceConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetServer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 clients over cleartext, with prior knowledge ({@code upgrade=false}) and by
 * {@code Upgrade: h2c} ({@code upgrade=true}), against real HTTP/1.1 upstreams.
 */
class Http2ProxyTest {

  static Vertx vertx;
  TestUpstream a;
  TestUpstream b;
  GatewayUnderTest gateway;
  int port;
  final List<HttpClient> clients = new ArrayList<>();
  /** Connections the clients opened to the gateway. */
  final Queue<HttpConnection> connections = new ConcurrentLinkedQueue<>();

  record Reply(int status, HttpVersion version, Buffer body, MultiMap headers) {}

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    a = TestUpstream.start(vertx, "a");
    b = TestUpstream.start(vertx, "b");
    port = Ports.free();
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(HttpClient::close);
    if (gateway != null) {
      gateway.close();
    }
    a.close();
    b.close();
  }

  private void gateway(Http2Options http2) {
    gateway = new GatewayUnderTest(vertx, GatewayUnderTest.OPTIONS.withHttp2(http2));
  }

  /** h2c on, everything to upstream a, the default client limits but for the body's size and timeout. */
  private void gatewayWithBodyLimits(long maxBodySize, Duration bodyTimeout) {
    ClientLimits d = ClientLimits.DEFAULTS;
    gateway = new GatewayUnderTest(vertx, GatewayUnderTest.OPTIONS.withHttp2(Http2Options.DEFAULT)
        .withLimits(new ClientLimits(d.maxHeaderSize(), d.maxRequestLine(), maxBodySize, d.headerTimeout(),
            bodyTimeout, d.idleTimeout())));
    gateway.apply(Configs.everythingTo(port, a.port()));
  }

  /** An HTTP/2 client with one connection at most. */
  private HttpClient h2(boolean upgrade) {
    HttpClient client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(upgrade))
        .with(new PoolOptions().setHttp2MaxSize(1))
        .withConnectHandler(connections::add)
        .build();
    clients.add(client);
    return client;
  }

  @ParameterizedTest(name = "upgrade={0}")
  @ValueSource(booleans = {false, true})
  void requestsAreRoutedByAuthorityAndForwardedWithItAsHost(boolean upgrade) throws Exception {
    gateway(Http2Options.DEFAULT);
    gateway.apply(config(port,
        List.of(route("r/a", List.of("a.example.com"), List.of("/"), "svc/a"),
            route("r/b", List.of("b.example.com"), List.of("/"), "svc/b")),
        List.of(service("svc/a", a.port()), service("svc/b", b.port()))));
    HttpClient client = h2(upgrade);

    Reply toA = send(client, HttpMethod.GET, "a.example.com", "/x?q=1", null);
    Reply toB = send(client, HttpMethod.GET, "b.example.com:8443", "/y", null);

    assertThat(toA.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(toA.body().toString()).isEqualTo("a");
    assertThat(toB.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(toB.body().toString()).isEqualTo("b");
    Received atA = a.received.peek();
    assertThat(atA.uri()).isEqualTo("/x?q=1");
    assertThat(atA.headers().getAll("host")).containsExactly("a.example.com");
    assertThat(atA.headers().get("x-forwarded-host")).isEqualTo("a.example.com");
    assertThat(atA.headers().get("x-forwarded-proto")).isEqualTo("http");
    assertThat(atA.headers().names()).noneMatch(name -> name.startsWith(":"));
    // a bodiless HTTP/2 request stays bodiless on HTTP/1.1
    assertThat(atA.headers().contains("transfer-encoding")).isFalse();
    assertThat(atA.headers().contains("content-length")).isFalse();
    assertThat(b.received.peek().headers().getAll("host")).containsExactly("b.example.com:8443");
    assertThat(connections).hasSize(1);
  }

  @ParameterizedTest(name = "upgrade={0}")
  @ValueSource(booleans = {false, true})
  void aMissingRouteAndAServiceWithoutTargetsAreAnsweredOverHttp2(boolean upgrade) {
    gateway(Http2Options.DEFAULT);
    gateway.apply(config(port,
        List.of(route("r/empty", List.of("empty.example.com"), List.of("/"), "svc/empty")),
        List.of(service("svc/empty"))));
    HttpClient client = h2(upgrade);

    Reply missing = send(client, HttpMethod.GET, "other.example.com", "/", null);
    assertThat(missing.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().toString()).isEqualTo("no route for this host and path\n");

    Reply empty = send(client, HttpMethod.GET, "empty.example.com", "/", null);
    assertThat(empty.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(empty.status()).isEqualTo(503);
    assertThat(empty.body().toString()).isEqualTo("service svc/empty has no targets\n");
    assertThat(gateway.registry.get("archway.requests").tags("route", "none", "status", "4xx")
        .counter().count()).isEqualTo(1.0);
  }

  @ParameterizedTest(name = "upgrade={0}")
  @ValueSource(booleans = {false, true})
  void largeBodiesStreamBothWaysIntact(boolean upgrade) throws Exception {
    gateway(Http2Options.DEFAULT);
    gateway.apply(Configs.everythingTo(port, a.port()));
    HttpClient client = h2(upgrade);
    byte[] payload = new byte[8 * 1024 * 1024];
    new Random(11).nextBytes(payload);

    Reply sized = send(client, HttpMethod.POST, "example.com", "/echo", Buffer.buffer(payload));
    assertThat(sized.status()).isEqualTo(200);
    assertThat(sized.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(sha256(sized.body().getBytes())).isEqualTo(sha256(payload));

    // no Content-Length: the DATA frames' END_STREAM ends it; upstream gets it chunked
    a.received.clear();
    Buffer whole = Buffer.buffer(payload);
    Buffer echoed = client.request(new RequestOptions().setMethod(HttpMethod.PUT).setHost("127.0.0.1").setPort(port)
            .setURI("/echo"))
        .compose(request -> {
          request.setChunked(true);
          for (int i = 0; i < 128; i++) {
            request.write(whole.slice(i * 16384, (i + 1) * 16384));
          }
          request.end();
          return request.response().compose(r -> r.body());
        })
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(sha256(echoed.getBytes())).isEqualTo(sha256(java.util.Arrays.copyOf(payload, 128 * 16384)));
    assertThat(a.received.peek().headers().get("transfer-encoding")).isEqualTo("chunked");
    assertThat(connections).hasSize(1);
  }

  @Test
  void aStreamedBodyPastTheLimitGets413AndTheConnectionCarriesOn() throws Exception {
    gatewayWithBodyLimits(64 * 1024, ClientLimits.DEFAULTS.bodyTimeout());
    HttpClient client = h2(false);
    Buffer slice = Buffer.buffer(new byte[16 * 1024]);

    // no Content-Length: only counting the DATA frames finds it too large; /slow answers once the body is in
    int status = putToSlow(client, request -> {
      for (int i = 0; i < 16; i++) {
        request.write(slice);
      }
      request.end();
    });

    assertThat(status).isEqualTo(413);
    assertTheConnectionCarriesOn(client);
  }

  @Test
  void aBodyThatStallsMidwayGets408AndTheConnectionCarriesOn() throws Exception {
    gatewayWithBodyLimits(ClientLimits.DEFAULTS.maxBodySize(), Duration.ofMillis(500));
    HttpClient client = h2(false);

    // part of a body, then nothing: the client never ends its stream
    int status = putToSlow(client, request -> request.write(Buffer.buffer("the first part of a body")));

    assertThat(status).isEqualTo(408);
    assertTheConnectionCarriesOn(client);
  }

  /** A chunked PUT to /slow (answered once its body is in), its body written by {@code writing}: the status. */
  private int putToSlow(HttpClient client, java.util.function.Consumer<HttpClientRequest> writing) throws Exception {
    return client.request(new RequestOptions().setMethod(HttpMethod.PUT).setHost("127.0.0.1").setPort(port)
            .setURI("/slow"))
        .compose(request -> {
          request.setChunked(true);
          writing.accept(request);
          return request.response().map(HttpClientResponse::statusCode);
        })
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** After a stream's fault, the same connection serves the next request. */
  private void assertTheConnectionCarriesOn(HttpClient client) {
    Reply next = send(client, HttpMethod.GET, "example.com", "/", null);
    assertThat(next.status()).isEqualTo(200);
    assertThat(connections).as("only the stream was at fault").hasSize(1);
  }

  @Test
  void bodiesAreRelayedAsTheyArriveNotWhenComplete() throws Exception {
    gateway(Http2Options.DEFAULT);
    CompletableFuture<String> firstRequestChunk = new CompletableFuture<>();
    CompletableFuture<Void> upstreamMayFinish = new CompletableFuture<>();
    HttpServer upstream = vertx.createHttpServer().requestHandler(request -> {
      request.handler(chunk -> firstRequestChunk.complete(chunk.toString()));
      request.response().setChunked(true).write("head;");
      upstreamMayFinish.thenRun(() -> request.response().end("tail"));
    });
    upstream.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try {
      gateway.apply(Configs.everythingTo(port, upstream.actualPort()));
      HttpClient client = h2(false);
      CompletableFuture<String> firstResponseChunk = new CompletableFuture<>();
      CompletableFuture<String> whole = new CompletableFuture<>();
      HttpClientRequest request = client.request(new RequestOptions().setMethod(HttpMethod.POST)
              .setHost("127.0.0.1").setPort(port).setURI("/stream"))
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      StringBuilder received = new StringBuilder();
      request.response().onSuccess(response -> {
        response.handler(chunk -> {
          received.append(chunk);
          firstResponseChunk.complete(chunk.toString());
        });
        response.endHandler(end -> whole.complete(received.toString()));
      });
      request.setChunked(true).write("first");

      // the upstream has the first bytes while the client has not finished its request
      assertThat(firstRequestChunk.get(5, TimeUnit.SECONDS)).isEqualTo("first");
      // and the client has the upstream's first bytes while the upstream has not finished its answer
      assertThat(firstResponseChunk.get(5, TimeUnit.SECONDS)).isEqualTo("head;");
      assertThat(whole).isNotDone();
      upstreamMayFinish.complete(null);
      request.end("last");
      assertThat(whole.get(5, TimeUnit.SECONDS)).isEqualTo("head;tail");
    } finally {
      upstream.close();
    }
  }

  @ParameterizedTest(name = "upgrade={0}")
  @ValueSource(booleans = {false, true})
  void manyStreamsOnOneConnectionAreRelayedConcurrently(boolean upgrade) throws Exception {
    // more upstream connections per event loop than streams: the pool does not hold any back
    gateway = new GatewayUnderTest(vertx, new ProxyOptions("127.0.0.1", 2, Duration.ofSeconds(2),
        Duration.ofSeconds(5), 64).withHttp2(Http2Options.DEFAULT));
    int streams = 50;
    // the upstream answers nothing until all 40 requests are in: relayed one at a time, they would hang
    List<HttpServerRequest> waiting = new ArrayList<>();
    HttpServer gate = vertx.createHttpServer().requestHandler(request -> {
      waiting.add(request);
      if (waiting.size() == streams) {
        waiting.forEach(r -> r.response().end("through " + r.path()));
      }
    });
    gate.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try {
      gateway.apply(Configs.everythingTo(port, gate.actualPort()));
      HttpClient client = h2(upgrade);
      // the first request sets up the connection (and, with upgrade, does the h2c handshake)
      assertThat(send(client, HttpMethod.GET, "example.com", "/warmup", null).version())
          .isEqualTo(HttpVersion.HTTP_2);
      waiting.clear();
      List<CompletableFuture<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        String path = "/s" + i;
        replies.add(CompletableFuture.supplyAsync(() -> send(client, HttpMethod.GET, "example.com", path, null)));
      }
      for (int i = 0; i < streams; i++) {
        Reply reply = replies.get(i).get(15, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().toString()).isEqualTo("through /s" + i);
      }
      assertThat(connections).hasSize(1);
    } finally {
      gate.close();
    }
  }

  @Test
  void aBodilessHttp2RequestIsRetriedOnARetriableStatus() {
    gateway(Http2Options.DEFAULT);
    a.answering(503);
    gateway.apply(config(port, List.of(route("r/all", List.of(), List.of("/"), "svc/retry")),
        List.of(new ServiceConfig("svc/retry", ServiceConfig.ROUND_ROBIN, null, Configs.targets(a.port(), b.port()),
            null, null, null, new ServiceConfig.RetryPolicy(1, 0, List.of(503), 100, 100)))));
    HttpClient client = h2(false);
    for (int i = 0; i < 4; i++) {
      Reply reply = send(client, HttpMethod.GET, "example.com", "/", null);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.body().toString()).isEqualTo("b");
    }
    assertThat(a.count()).isPositive();
  }

  @Test
  void theStreamLimitIsAdvertisedToClients() throws Exception {
    gateway(new Http2Options(true, 7));
    gateway.apply(Configs.everythingTo(port, a.port()));
    HttpClient client = h2(false);
    assertThat(send(client, HttpMethod.GET, "example.com", "/", null).status()).isEqualTo(200);
    assertThat(connections).hasSize(1);
    assertThat(connections.peek().remoteSettings().getMaxConcurrentStreams()).isEqualTo(7);
  }

  @ParameterizedTest(name = "upgrade={0}")
  @ValueSource(booleans = {false, true})
  void connectionHeadersOfTheUpstreamNeverReachAnHttp2Client(boolean upgrade) throws Exception {
    gateway(Http2Options.DEFAULT);
    Queue<String> upstreamSaw = new ConcurrentLinkedQueue<>();
    NetServer raw = vertx.createNetServer().connectHandler(socket -> {
      StringBuilder request = new StringBuilder();
      socket.handler(data -> {
        request.append(data.toString());
        // bodiless GETs only: each is complete with its head
        if (request.toString().endsWith("\r\n\r\n")) {
          upstreamSaw.add(request.toString());
          request.setLength(0);
          socket.write("HTTP/1.1 200 OK\r\n"
              + "Transfer-Encoding: chunked\r\n"
              + "Connection: keep-alive, X-Upstream-Hop\r\n"
              + "X-Upstream-Hop: secret\r\n"
              + "Keep-Alive: timeout=5\r\n"
              + "Proxy-Connection: keep-alive\r\n"
              + "Upgrade: h2c\r\n"
              + "X-End-To-End: Kept\r\n"
              + "\r\n"
              + "2\r\nok\r\n0\r\n\r\n");
        }
      });
    });
    raw.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try {
      gateway.apply(Configs.everythingTo(port, raw.actualPort()));
      HttpClient client = h2(upgrade);
      // the first request (with upgrade: the HTTP/1.1 one that switches the connection) sets it up
      assertThat(send(client, HttpMethod.GET, "hop.example.com", "/first", null).version())
          .isEqualTo(HttpVersion.HTTP_2);
      Reply reply = client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/hop"))
          .compose(request -> {
            request.authority(HostAndPort.create("hop.example.com", -1));
            // HTTP/2 lets a client split its cookies into several fields
            request.headers().add("cookie", "a=1").add("cookie", "b=2");
            return request.send().compose(response -> response.body()
                .map(body -> new Reply(response.statusCode(), response.version(), body, response.headers())));
          })
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(reply.body().toString()).isEqualTo("ok");
      assertThat(reply.headers().get("x-end-to-end")).isEqualTo("Kept");
      assertThat(reply.headers().names()).map(String::toLowerCase).doesNotContain(
          "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "x-upstream-hop");

      assertThat(upstreamSaw).hasSize(2);
      String upstream = List.copyOf(upstreamSaw).get(1).toLowerCase();
      assertThat(upstream).startsWith("get /hop http/1.1\r\n").contains("\r\nhost: hop.example.com\r\n",
          "\r\ncookie: a=1; b=2\r\n");
      assertThat(upstream.split("\r\ncookie:", -1)).as("one Cookie header").hasSize(2);
      assertThat(upstream).doesNotContain("http2-settings", "\r\nupgrade:", ":authority", "transfer-encoding");
      assertThat(upstreamSaw.peek().toLowerCase()).doesNotContain("http2-settings", "\r\nupgrade:",
          "transfer-encoding");
    } finally {
      raw.close();
    }
  }

  @Test
  void connectionHeadersSetByRouteFiltersAreNotSentOnHttp2() {
    gateway(Http2Options.DEFAULT);
    HeaderModifier hopByHop = new HeaderModifier(
        List.of(new Header("connection", "close"), new Header("keep-alive", "timeout=1"),
            new Header("x-kept", "yes")), List.of(), List.of());
    gateway.apply(config(port,
        List.of(Configs.route("r/proxied", List.of(), List.of(MatchConfig.prefix("/")),
                new RouteFilters(null, hopByHop, null, null), "svc/a"),
            Configs.route("r/direct", List.of(), List.of(MatchConfig.prefix("/direct")),
                new RouteFilters(null, hopByHop, null, new DirectResponse(200, "here", null)), null)),
        List.of(service("svc/a", a.port()))));
    HttpClient client = h2(false);
    for (String path : List.of("/", "/direct")) {
      Reply reply = send(client, HttpMethod.GET, "example.com", path, null);
      assertThat(reply.status()).as(path).isEqualTo(200);
      assertThat(reply.headers().get("x-kept")).as(path).isEqualTo("yes");
      assertThat(reply.headers().names()).as(path).map(String::toLowerCase)
          .doesNotContain("connection", "keep-alive");
    }
    // the same filters on HTTP/1.1 still set what they say
    HttpClient http11 = vertx.createHttpClient();
    clients.add(http11);
    assertThat(Http.get(http11, port, "example.com", "/direct").headers().get("keep-alive")).isEqualTo("timeout=1");
  }

  @Test
  void withHttp2OffAnUpgradingClientStaysOnHttp11() {
    gateway(Http2Options.OFF);
    gateway.apply(Configs.everythingTo(port, a.port()));
    Reply reply = send(h2(true), HttpMethod.GET, "example.com", "/", null);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(a.received.peek().headers().contains("upgrade")).isFalse();
  }

  @Test
  void http11ClientsAreServedAsBeforeWithHttp2On() {
    gateway(Http2Options.DEFAULT);
    gateway.apply(Configs.everythingTo(port, a.port()));
    HttpClient http11 = vertx.createHttpClient();
    clients.add(http11);
    Http.Reply reply = Http.get(http11, port, "example.com", "/");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("a");
  }

  private Reply send(HttpClient client, HttpMethod method, String host, String uri, Buffer body) {
    try {
      return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
              .setURI(uri))
          .compose(request -> {
            request.authority(HostAndPort.parseAuthority(host, -1));
            return (body == null ? request.send() : request.send(body))
                .compose(response -> response.body()
                    .map(b -> new Reply(response.statusCode(), response.version(), b, response.headers())));
          })
          .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " " + host + uri + " failed: " + e, e);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
