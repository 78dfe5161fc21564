package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.route;
import static dev.archway.gateway.Configs.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.gateway.Http.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyTest extends TwoUpstreamsFixture {

  @Test
  void requestsGoByHostThenLongestPrefixAndUnmatchedOnesGet404() {
    gateway.apply(config(port,
        List.of(
            route("shop/api", List.of("shop.example.com"), List.of("/api"), "svc/b"),
            route("any/root", List.of(), List.of("/"), "svc/a"),
            route("any/docs", List.of(), List.of("/docs/v2"), "svc/b"),
            route("only-host/x", List.of("x.example.com"), List.of("/x"), "svc/a")),
        List.of(service("svc/a", a.port()), service("svc/b", b.port()))));

    assertThat(Http.get(client, port, "shop.example.com", "/api/items?id=3").body()).isEqualTo("b");
    assertThat(b.received.peek().uri()).isEqualTo("/api/items?id=3");
    assertThat(Http.get(client, port, "shop.example.com:8080", "/apix").body()).isEqualTo("a");
    assertThat(Http.get(client, port, "other", "/docs/v2/intro").body()).isEqualTo("b");
    assertThat(Http.get(client, port, "other", "/docs/v2x").body()).isEqualTo("a");

    gateway.apply(config(port,
        List.of(route("only-host/x", List.of("x.example.com"), List.of("/x"), "svc/a")),
        List.of(service("svc/a", a.port()))));
    Reply miss = Http.get(client, port, "x.example.com", "/y");
    assertThat(miss.status()).isEqualTo(404);
    assertThat(miss.headers().get("content-type")).startsWith("text/plain");
    assertThat(miss.body()).isEqualTo("no route for this host and path\n");
    assertThat(Http.get(client, port, "y.example.com", "/x").status()).isEqualTo(404);
  }

  @Test
  void requestsTakeTurnsOverTheTargetsOfAService() {
    gateway.apply(Configs.everythingTo(port, a.port(), b.port()));
    for (int i = 0; i < 10; i++) {
      assertThat(Http.get(client, port, "example.com", "/").status()).isEqualTo(200);
    }
    assertThat(a.count()).isEqualTo(5);
    assertThat(b.count()).isEqualTo(5);
  }

  @Test
  void unreachableTargetGets502AndTheOtherTargetStillServes() {
    // nothing listens on port 1, and no client socket is ever given it (no accidental self-connect)
    int down = 1;
    gateway.apply(Configs.everythingTo(port, a.port(), down));
    List<Integer> statuses = List.of(
        Http.get(client, port, "example.com", "/").status(),
        Http.get(client, port, "example.com", "/").status());
    assertThat(statuses).containsExactlyInAnyOrder(200, 502);
    gateway.apply(Configs.everythingTo(port, down));
    Reply reply = Http.get(client, port, "example.com", "/");
    assertThat(reply.status()).isEqualTo(502);
    assertThat(reply.body()).contains("test/svc");
  }

  @Test
  void serviceWithoutTargetsGets503() {
    gateway.apply(Configs.everythingTo(port));
    Reply reply = Http.get(client, port, "example.com", "/");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body()).isEqualTo("service test/svc has no targets\n");
  }

  @Test
  void silentTargetGets504AfterTheIdleTimeout() {
    a.silent();
    gateway.apply(Configs.everythingTo(port, a.port()));
    long start = System.nanoTime();
    Reply reply = Http.get(client, port, "example.com", "/");
    assertThat(reply.status()).isEqualTo(504);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(GatewayUnderTest.OPTIONS.idleTimeout().toMillis());
  }

  @Test
  void bodiesStreamBothWaysIntact() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    byte[] payload = new byte[8 * 1024 * 1024];
    new Random(7).nextBytes(payload);
    Reply sized = Http.send(client, HttpMethod.POST, port, "example.com", "/echo", Buffer.buffer(payload));
    assertThat(sized.status()).isEqualTo(200);
    assertThat(sha256(sized.bytes().getBytes())).isEqualTo(sha256(payload));

    // a chunked upload, no Content-Length: relayed chunked
    Buffer echoed = client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost("127.0.0.1").setPort(port).setURI("/echo"))
        .compose(request -> {
          request.setChunked(true);
          for (int i = 0; i < 64; i++) {
            request.write(Buffer.buffer(payload).slice(i * 1024, (i + 1) * 1024));
          }
          request.end();
          return request.response().compose(r -> r.body());
        })
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(echoed.getBytes()).isEqualTo(java.util.Arrays.copyOf(payload, 64 * 1024));
    assertThat(a.received).allSatisfy(r -> assertThat(r.method()).isEqualTo("POST"));
  }

  @Test
  void hopByHopHeadersStayOnTheirHopAndForwardedHeadersAreAdded() throws Exception {
    CompletableFuture<String> upstreamSaw = new CompletableFuture<>();
    NetServer raw = vertx.createNetServer().connectHandler(socket -> {
      Buffer request = Buffer.buffer();
      socket.handler(data -> {
        request.appendBuffer(data);
        if (request.toString().contains("\r\n\r\n") && !upstreamSaw.isDone()) {
          upstreamSaw.complete(request.toString());
          socket.write("HTTP/1.1 200 OK\r\n"
              + "Content-Length: 2\r\n"
              + "Connection: keep-alive, X-Upstream-Hop\r\n"
              + "X-Upstream-Hop: secret\r\n"
              + "Keep-Alive: timeout=5\r\n"
              + "Proxy-Connection: keep-alive\r\n"
              + "X-End-To-End: kept\r\n"
              + "\r\n"
              + "ok");
        }
      });
    });
    raw.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try {
      gateway.apply(Configs.everythingTo(port, raw.actualPort()));
      String response = exchange(port, "GET /hop?q=1 HTTP/1.1\r\n"
          + "Host: hop.example.com\r\n"
          + "Connection: keep-alive, X-Client-Hop\r\n"
          + "X-Client-Hop: secret\r\n"
          + "Keep-Alive: 300\r\n"
          + "Proxy-Connection: keep-alive\r\n"
          + "TE: trailers\r\n"
          + "Upgrade: websocket\r\n"
          + "X-Forwarded-For: 203.0.113.9\r\n"
          + "X-End-To-End: kept\r\n"
          + "\r\n");

      String upstream = upstreamSaw.get(5, TimeUnit.SECONDS).toLowerCase();
      assertThat(upstream).startsWith("get /hop?q=1 http/1.1\r\n");
      assertThat(upstream).contains("\r\nhost: hop.example.com\r\n", "\r\nx-end-to-end: kept\r\n",
          "\r\nx-forwarded-for: 203.0.113.9, 127.0.0.1\r\n", "\r\nx-forwarded-proto: http\r\n",
          "\r\nx-forwarded-host: hop.example.com\r\n");
      assertThat(upstream.split("\r\nhost:", -1)).as("one Host header").hasSize(2);
      assertThat(upstream).doesNotContain("x-client-hop", "keep-alive: 300", "proxy-connection", "\r\nte:",
          "upgrade");

      String downstream = response.toLowerCase();
      assertThat(downstream).startsWith("http/1.1 200 ok\r\n").contains("\r\nx-end-to-end: kept\r\n")
          .endsWith("\r\n\r\nok");
      assertThat(downstream).doesNotContain("x-upstream-hop", "keep-alive: timeout", "proxy-connection");
    } finally {
      raw.close();
    }
  }

  @Test
  void aConfigSwapLeavesRequestsInFlightAlone() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    CompletableFuture<Reply> inFlight = CompletableFuture.supplyAsync(
        () -> Http.get(client, port, "example.com", "/slow"));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> a.count() == 1);
    assertThat(gateway.apply(Configs.everythingTo(port, b.port())).result())
        .isEqualTo(ApplyOutcome.Result.APPLIED);
    assertThat(Http.get(client, port, "example.com", "/").body()).isEqualTo("b");
    assertThat(inFlight.get(5, TimeUnit.SECONDS).body()).isEqualTo("a");
  }

  @Test
  void closingListenersWaitForRequestsInFlight() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    CompletableFuture<Reply> inFlight = CompletableFuture.supplyAsync(
        () -> Http.get(client, port, "example.com", "/slow"));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> a.count() == 1);
    gateway.listeners.drain(java.time.Duration.ofSeconds(5));
    gateway.listeners.close();
    assertThat(inFlight.get(5, TimeUnit.SECONDS).body()).isEqualTo("a");
  }

  @Test
  void connectionsAreServedOnMoreThanOneEventLoop() {
    gateway.apply(Configs.everythingTo(port, a.port()));
    HttpClient oneShot = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    try {
      for (int i = 0; i < 6; i++) {
        assertThat(Http.get(oneShot, port, "example.com", "/").status()).isEqualTo(200);
      }
    } finally {
      oneShot.close();
    }
    assertThat(gateway.servingThreads).hasSizeGreaterThan(1)
        .allSatisfy(name -> assertThat(name).contains("eventloop"));
  }

  @Test
  void requestsAreCountedByRouteAndStatusClass() {
    gateway.apply(Configs.everythingTo(port, a.port()));
    Http.get(client, port, "example.com", "/");
    Http.get(client, port, "example.com", "/");
    assertThat(gateway.registry.get("archway.requests").tags("route", "test/all", "status", "2xx")
        .counter().count()).isEqualTo(2.0);
    assertThat(gateway.registry.get("archway.config.info").tag("version", gateway.version()).gauge().value())
        .isEqualTo(1.0);
  }

  /** Sends raw bytes, reads one response with a Content-Length body. */
  private static String exchange(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      while (true) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        read.write(c);
        String text = read.toString(StandardCharsets.ISO_8859_1);
        int head = text.indexOf("\r\n\r\n");
        if (head >= 0) {
          java.util.regex.Matcher length = java.util.regex.Pattern
              .compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text.substring(0, head));
          if (length.find() && text.length() - head - 4 >= Integer.parseInt(length.group(1))) {
            return text;
          }
        }
      }
      return read.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
