package dev.archway.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With h2c enabled Vert.x opens a connection after decoding its first request; the guard takes
 * over from the second request on.
 */
class ConnectionGuardH2cTest {

  static final ClientLimits LIMITS =
      new ClientLimits(1024, 256, 1000, Duration.ofMillis(800), Duration.ofSeconds(5), Duration.ofSeconds(5));

  Vertx vertx;
  HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServerOptions options = LIMITS.applyTo(new HttpServerOptions().setHttp2ClearTextEnabled(true));
    RequestMetrics metrics = (route, status) -> { };
    server = vertx.createHttpServer(options)
        .connectionHandler(connection -> ConnectionGuard.install(connection, options, LIMITS, metrics, false))
        .invalidRequestHandler(new InvalidRequestReply(metrics, false))
        .requestHandler(request -> {
          ConnectionGuard guard = ConnectionGuard.of(request.connection());
          if (guard != null) {
            guard.attach(request);
          }
          request.body().onSuccess(body -> request.response().end("ok " + body.length()));
        });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void smugglingAttemptOnTheSecondRequestGets400() throws Exception {
    try (Socket socket = socket()) {
      send(socket, "POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
      assertThat(readUntil(socket, "ok 3")).startsWith("HTTP/1.1 200 ");
      send(socket, "POST /second HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "0\r\n\r\n");
      String reply = readToClose(socket);
      assertThat(reply).contains("HTTP/1.1 400 ").contains("Content-Length together with Transfer-Encoding");
    }
  }

  @Test
  void slowHeadersOfTheSecondRequestGet408() throws Exception {
    try (Socket socket = socket()) {
      send(socket, "GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(readUntil(socket, "ok 0")).startsWith("HTTP/1.1 200 ");
      send(socket, "GET /second HTTP/1.1\r\nHost: a\r\n");
      assertThat(readToClose(socket)).contains("HTTP/1.1 408 ");
    }
  }

  private Socket socket() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.actualPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  private String readUntil(Socket socket, String marker) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    while (!received.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("closed before " + marker + "; got " + received);
      }
      received.write(buffer, 0, n);
    }
    String all = received.toString(StandardCharsets.ISO_8859_1);
    received.reset();
    return all;
  }

  private String readToClose(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.write(buffer, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // closed
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }
}
