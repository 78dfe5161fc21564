package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.archway.model.MatchConfig;
import dev.archway.model.RouteFilters;
import dev.archway.model.RouteFilters.Header;
import dev.archway.model.RouteFilters.HeaderModifier;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades passed through the gateway to real Vert.x WebSocket echo upstreams. */
class WebSocketProxyTest {

  static Vertx vertx;
  static WebSocketClient client;
  EchoUpstream a;
  EchoUpstream b;
  GatewayUnderTest gateway;
  int port;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    a = new EchoUpstream("a");
    b = new EchoUpstream("b");
    gateway = new GatewayUnderTest(vertx);
    port = Ports.free();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    a.close();
    b.close();
  }

  @Test
  void textAndBinaryMessagesRoundTripThroughTheRouteAndItsFilters() throws Exception {
    RouteFilters filters = new RouteFilters(
        new HeaderModifier(List.of(new Header("x-route", "chat")), List.of(), List.of()),
        new HeaderModifier(List.of(new Header("x-served-by", "archway")), List.of(), List.of()),
        null, null);
    gateway.apply(config(port,
        List.of(Configs.route("ws/chat", List.of("chat.example.com"), List.of(MatchConfig.prefix("/chat")), filters,
            "svc/a"), Configs.route("ws/other", List.of(), List.of("/"), "svc/b")),
        List.of(service("svc/a", a.port()), service("svc/b", b.port()))));

    Client chat = connect("chat.example.com", "/chat/room?id=7");
    assertThat(chat.messages.poll(5, TimeUnit.SECONDS)).as("sent by the upstream right after its 101")
        .isEqualTo("a: welcome");
    chat.socket.writeTextMessage("hello");
    assertThat(chat.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("a: hello");
    byte[] bytes = new byte[64 * 1024];
    new Random(3).nextBytes(bytes);
    chat.socket.writeBinaryMessage(Buffer.buffer(bytes));
    assertThat(chat.binary.poll(5, TimeUnit.SECONDS)).isEqualTo(Buffer.buffer(bytes));
    assertThat(chat.handshake.get("x-served-by")).isEqualTo("archway");

    MultiMap seen = a.handshakes.peek().headers();
    assertThat(a.handshakes.peek().uri()).isEqualTo("/chat/room?id=7");
    assertThat(seen.get("host")).isEqualTo("chat.example.com");
    assertThat(seen.get("x-route")).isEqualTo("chat");
    assertThat(seen.get("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.get("x-forwarded-host")).isEqualTo("chat.example.com");
    assertThat(b.handshakes).isEmpty();
    assertThat(gateway.registry.get("archway.requests").tags("route", "ws/chat", "status", "1xx")
        .counter().count()).isEqualTo(1.0);
    assertThat(gateway.registry.get("archway.upstream.requests").tags("service", "svc/a", "status", "1xx")
        .counter().count()).isEqualTo(1.0);
  }

  @Test
  void aCloseFromTheClientReachesTheUpstream() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    Client ws = connect("example.com", "/");
    assertThat(ws.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("a: welcome");
    ws.socket.close((short) 4001, "client leaves");
    assertThat(a.closes.poll(5, TimeUnit.SECONDS)).isEqualTo("4001 client leaves");
    assertThat(ws.closed.get(5, TimeUnit.SECONDS)).isEqualTo("4001 client leaves");
  }

  @Test
  void aCloseFromTheUpstreamReachesTheClient() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    Client ws = connect("example.com", "/");
    assertThat(ws.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("a: welcome");
    ws.socket.writeTextMessage("bye");
    // the upstream's close frame, code and reason, arrives as sent
    assertThat(ws.closed.get(5, TimeUnit.SECONDS)).isEqualTo("4002 upstream done");
  }

  @Test
  void aRefusedHandshakeIsRelayedAsAnOrdinaryAnswer() throws Exception {
    gateway.apply(config(port,
        List.of(Configs.route("ws/all", List.of(), List.of("/"), "svc/a"),
            Configs.route("ws/down", List.of("down.example.com"), List.of("/"), "svc/down")),
        List.of(service("svc/a", a.port()), service("svc/down", 1))));

    Throwable refused = catchThrowable(() -> connect("example.com", "/refuse"));
    assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(403);
    assertThat(((UpgradeRejectedException) refused).getBody().toString()).isEqualTo("members only");
    assertThat(gateway.registry.get("archway.requests").tags("route", "ws/all", "status", "4xx")
        .counter().count()).isEqualTo(1.0);

    Throwable unreachable = catchThrowable(() -> connect("down.example.com", "/"));
    assertThat(((UpgradeRejectedException) unreachable).getStatus()).isEqualTo(502);

    // the gateway serves the next handshake as usual
    assertThat(connect("example.com", "/").messages.poll(5, TimeUnit.SECONDS)).isEqualTo("a: welcome");
  }

  @Test
  void anOpenTunnelSurvivesAConfigSwapThatMovesItsRoute() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    Client before = connect("example.com", "/");
    assertThat(before.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("a: welcome");

    assertThat(gateway.apply(Configs.everythingTo(port, b.port())).result()).isEqualTo(ApplyOutcome.Result.APPLIED);
    Client after = connect("example.com", "/");
    assertThat(after.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("b: welcome");

    before.socket.writeTextMessage("still there?");
    assertThat(before.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("a: still there?");
    assertThat(before.closed).isNotDone();
  }

  @Test
  void drainingServesOpenTunnelsUntilTheTimeoutThenClosesThem() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    Client ws = connect("example.com", "/");
    assertThat(ws.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("a: welcome");

    CompletableFuture<Void> drained = CompletableFuture.runAsync(
        () -> gateway.listeners.drain(Duration.ofSeconds(3)));
    ws.socket.writeTextMessage("during drain");
    assertThat(ws.messages.poll(2, TimeUnit.SECONDS)).isEqualTo("a: during drain");
    assertThat(ws.closed).isNotDone();

    drained.get(10, TimeUnit.SECONDS);
    ws.closed.get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> a.closes.size() == 1);
  }

  /** A WebSocket client connected through the gateway, and what it received. */
  record Client(WebSocket socket, MultiMap handshake, BlockingQueue<String> messages,
      BlockingQueue<Buffer> binary, CompletableFuture<String> closed) {}

  private Client connect(String host, String uri) throws Exception {
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    BlockingQueue<Buffer> binary = new LinkedBlockingQueue<>();
    CompletableFuture<String> closed = new CompletableFuture<>();
    MultiMap handshake = MultiMap.caseInsensitiveMultiMap();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(port)
        .addHeader("host", host)
        .setURI(uri);
    try {
      WebSocket socket = client.connect(options).onSuccess(ws -> {
        handshake.addAll(ws.headers()); // only there while connecting
        ws.textMessageHandler(messages::add);
        ws.binaryMessageHandler(binary::add);
        ws.closeHandler(c -> closed.complete(ws.closeStatusCode() + " " + ws.closeReason()));
        ws.exceptionHandler(cut -> { }); // a tunnel closed by the gateway: seen through the close handler
      }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return new Client(socket, handshake, messages, binary, closed);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /**
   * A WebSocket echo server: greets with "name: welcome", echoes text prefixed with its name and
   * binary as is, closes with 4002 when told "bye", refuses {@code /refuse} with 403.
   */
  static final class EchoUpstream implements AutoCloseable {

    record Handshake(String uri, MultiMap headers) {}

    final Queue<Handshake> handshakes = new ConcurrentLinkedQueue<>();
    /** Close code and reason of each closed WebSocket. */
    final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private final HttpServer server;

    EchoUpstream(String name) throws Exception {
      server = vertx.createHttpServer().requestHandler(request -> {
        handshakes.add(new Handshake(request.uri(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers())));
        if (request.path().equals("/refuse")) {
          request.response().setStatusCode(403).end("members only");
          return;
        }
        request.toWebSocket().onSuccess(ws -> echo(name, ws));
      });
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private void echo(String name, ServerWebSocket ws) {
      ws.closeHandler(c -> closes.add(ws.closeStatusCode() + " " + ws.closeReason()));
      ws.exceptionHandler(cut -> { });
      ws.textMessageHandler(text -> {
        if (text.equals("bye")) {
          ws.close((short) 4002, "upstream done");
        } else {
          ws.writeTextMessage(name + ": " + text);
        }
      });
      ws.binaryMessageHandler(ws::writeBinaryMessage);
      ws.writeTextMessage(name + ": welcome");
    }

    int port() {
      return server.actualPort();
    }

    @Override
    public void close() throws Exception {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
