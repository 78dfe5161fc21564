package dev.archway.gateway;

import static dev.archway.gateway.Configs.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.gateway.Http.Reply;
import dev.archway.gateway.proxy.ProxyOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's keep-alive connections to upstreams, against an upstream on plain sockets that
 * does exactly what each test needs: closing a kept-alive connection as a request arrives on it,
 * answering slowly, answering a body larger than the client reads at once.
 */
class UpstreamConnectionsTest extends TwoUpstreamsFixture {

  private ScriptedUpstream upstream;

  /** One listener instance, so every request uses the same pool. */
  private void gatewayWithConnectionsPerTarget(int max) throws Exception {
    gateway.close();
    gateway = new GatewayUnderTest(vertx,
        new ProxyOptions("127.0.0.1", 1, Duration.ofSeconds(2), Duration.ofMillis(1500), max));
    gateway.apply(everythingTo(port, upstream.port()));
  }

  @AfterEach
  void stopUpstream() throws IOException {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void aGetOnAKeptAliveConnectionTheUpstreamClosesUnderItGoesAgainOnANewOne() throws Exception {
    // the first connection answers once, then closes as the next request arrives on it (an upstream
    // closing an idle keep-alive connection at the moment the gateway reuses it)
    upstream = new ScriptedUpstream((connection, request) ->
        connection == 1 && request == 2 ? Answer.CLOSE : Answer.ok("from connection " + connection));
    gatewayWithConnectionsPerTarget(16);

    assertThat(Http.get(client, port, "example.com", "/").body()).isEqualTo("from connection 1");
    Reply again = Http.get(client, port, "example.com", "/");

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo("from connection 2");
    assertThat(upstream.accepted.get()).isEqualTo(2);
    assertThat(upstream.requests).hasSize(3); // the request the closing connection swallowed, then again
  }

  @Test
  void aPostOnAKeptAliveConnectionTheUpstreamClosesUnderItIsNotSentAgain() throws Exception {
    upstream = new ScriptedUpstream((connection, request) ->
        connection == 1 && request == 2 ? Answer.CLOSE : Answer.ok("from connection " + connection));
    gatewayWithConnectionsPerTarget(16);

    assertThat(Http.get(client, port, "example.com", "/").status()).isEqualTo(200);
    Reply post = Http.send(client, HttpMethod.POST, port, "example.com", "/orders", Buffer.buffer("one order"));

    // the upstream may have taken the order before it closed: only the client can decide to send it again
    assertThat(post.status()).isEqualTo(502);
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void requestsBeyondTheConnectionsPerTargetWaitForOneAndAreAllAnswered() throws Exception {
    upstream = new ScriptedUpstream((connection, request) -> Answer.after(100, "answer " + request));
    gatewayWithConnectionsPerTarget(1);

    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<String> bodies = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<Reply>> sent = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sent.add(clients.submit(() -> Http.get(client, port, "example.com", "/")));
      }
      for (java.util.concurrent.Future<Reply> reply : sent) {
        Reply answered = reply.get(10, TimeUnit.SECONDS);
        assertThat(answered.status()).isEqualTo(200);
        bodies.add(answered.body());
      }
    } finally {
      clients.shutdownNow();
    }

    assertThat(bodies).containsExactlyInAnyOrder("answer 1", "answer 2", "answer 3", "answer 4");
    assertThat(upstream.accepted.get()).as("one connection carried them all, one after the other").isEqualTo(1);
  }

  @Test
  void waitingForAConnectionCountsAgainstTheConnectTimeout() throws Exception {
    upstream = new ScriptedUpstream((connection, request) -> Answer.after(1_500, "answer " + request));
    gateway.close();
    gateway = new GatewayUnderTest(vertx,
        new ProxyOptions("127.0.0.1", 1, Duration.ofMillis(300), Duration.ofSeconds(10), 1));
    gateway.apply(everythingTo(port, upstream.port()));

    ExecutorService clients = Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<Reply> first = clients.submit(() -> Http.get(client, port, "example.com", "/"));
      Thread.sleep(100); // the first holds the only connection
      java.util.concurrent.Future<Reply> second = clients.submit(() -> Http.get(client, port, "example.com", "/"));

      assertThat(second.get(10, TimeUnit.SECONDS).status()).as("no connection came free in time").isEqualTo(504);
      assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("answer 1");
    } finally {
      clients.shutdownNow();
    }
    assertThat(upstream.requests).hasSize(1);
    assertThat(gateway.registry.get("archway.upstream.connect.errors").counter().count()).isEqualTo(1);
  }

  @Test
  void aConnectionHeldBackForASlowClientServesTheNextRequest() throws Exception {
    int size = 16 * 1024 * 1024; // more than the kernel buffers on both sides hold
    upstream = new ScriptedUpstream((connection, request) -> Answer.ok(request == 1 ? "x".repeat(size) : "small"));
    gatewayWithConnectionsPerTarget(1);

    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(16 * 1024);
      slow.setSoTimeout(10_000);
      slow.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      slow.getOutputStream().write("GET /large HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(500); // not reading: the gateway stops reading the upstream's answer
      byte[] all = slow.getInputStream().readAllBytes();
      String head = new String(all, 0, 64, StandardCharsets.US_ASCII);
      assertThat(head).startsWith("HTTP/1.1 200 ");
      assertThat(all.length - (new String(all, 0, 4096, StandardCharsets.US_ASCII).indexOf("\r\n\r\n") + 4))
          .isEqualTo(size);
    }
    Reply next = Http.get(client, port, "example.com", "/");

    assertThat(next.status()).isEqualTo(200);
    assertThat(next.body()).isEqualTo("small");
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void anUpstreamSlowerThanTheIdleTimeoutOnAKeptAliveConnectionGetsTheRequestOnlyOnce() throws Exception {
    // connection 1 answers the first request, then is slower than the gateway's idle timeout (1.5 s):
    // the connection did not close under the request, the upstream is just slow
    upstream = new ScriptedUpstream((connection, request) ->
        request == 1 ? Answer.ok("first") : Answer.after(4_000, "too late"));
    gatewayWithConnectionsPerTarget(16);

    assertThat(Http.get(client, port, "example.com", "/").body()).isEqualTo("first");
    Reply slow = Http.get(client, port, "example.com", "/slow");

    assertThat(slow.status()).isEqualTo(504);
    // no retry policy: a slow upstream must not get the request a second time on a new connection
    assertThat(upstream.requests).as("requests the upstream received").hasSize(2);
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void aBodyHeldBackWhenTheUpstreamAnswersEarlyIsStillReadSoTheClientConnectionCarriesOn() throws Exception {
    // the upstream reads the head of a request, not its body, and answers 413 a second later
    int size = 8 * 1024 * 1024; // more than the kernel buffers towards a non-reading upstream hold
    try (ServerSocket early = new ServerSocket()) {
      early.setReceiveBufferSize(8 * 1024);
      early.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread acceptor = new Thread(() -> {
        while (!early.isClosed()) {
          try {
            Socket socket = early.accept();
            Thread serving = new Thread(() -> {
              try (socket) {
                ScriptedUpstream.readHead(socket.getInputStream());
                Thread.sleep(1_000); // meanwhile the gateway fills its buffers and holds the client's body back
                socket.getOutputStream().write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 5\r\n\r\nlarge"
                    .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                Thread.sleep(5_000); // keeps the connection open, reads nothing more
              } catch (IOException | InterruptedException gone) {
                // the gateway closed the connection
              }
            });
            serving.setDaemon(true);
            serving.start();
          } catch (IOException closed) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      gateway.close();
      gateway = new GatewayUnderTest(vertx,
          new ProxyOptions("127.0.0.1", 1, Duration.ofSeconds(2), Duration.ofSeconds(10), 16));
      gateway.apply(everythingTo(port, early.getLocalPort()));

      try (Socket uploading = new Socket()) {
        uploading.setSendBufferSize(64 * 1024);
        uploading.setSoTimeout(10_000);
        uploading.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        OutputStream out = uploading.getOutputStream();
        Thread writer = new Thread(() -> {
          try {
            out.write(("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + size + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < size; sent += chunk.length) {
              out.write(chunk);
            }
            out.write("GET /next HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (IOException closed) {
            // the test ended
          }
        });
        writer.setDaemon(true);
        writer.start();
        InputStream in = uploading.getInputStream();

        String first = ScriptedUpstream.readHead(in);
        assertThat(first).startsWith("HTTP/1.1 413 ");
        in.readNBytes(5);
        // the client's whole body is read (and dropped) by the gateway, then the next request answered
        String second = ScriptedUpstream.readHead(in);
        assertThat(second).as("the answer to the request after the upload").startsWith("HTTP/1.1 413 ");
      }
    }
  }

  /** What the scripted upstream does with one request. */
  record Answer(boolean close, long delayMillis, String body) {

    static final Answer CLOSE = new Answer(true, 0, null);

    static Answer ok(String body) {
      return new Answer(false, 0, body);
    }

    static Answer after(long delayMillis, String body) {
      return new Answer(false, delayMillis, body);
    }
  }

  interface Script {

    /** Connections and requests numbered from 1 (requests across all connections). */
    Answer answer(int connection, int request);
  }

  /**
   * An HTTP/1.1 upstream on plain sockets, keep-alive, one thread per connection, on 127.0.0.1.
   * Reads request heads and Content-Length bodies; answers as its script says.
   */
  static final class ScriptedUpstream implements AutoCloseable {

    final AtomicInteger accepted = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Script script;

    ScriptedUpstream(Script script) throws IOException {
      this.script = script;
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(this::accept, "scripted-upstream");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          sockets.add(socket);
          int number = accepted.incrementAndGet();
          Thread serving = new Thread(() -> serve(socket, number), "scripted-upstream-" + number);
          serving.setDaemon(true);
          serving.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket socket, int connection) {
      try (socket) {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        for (String head; (head = readHead(in)) != null; ) {
          skipBody(in, head);
          requests.add(head.lines().findFirst().orElse(""));
          Answer answer = script.answer(connection, requestCount.incrementAndGet());
          if (answer.close()) {
            return;
          }
          if (answer.delayMillis() > 0) {
            Thread.sleep(answer.delayMillis());
          }
          byte[] body = answer.body().getBytes(StandardCharsets.US_ASCII);
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        }
      } catch (IOException | InterruptedException gone) {
        // the gateway closed the connection, or the test ended
      }
    }

    /** The request head up to its blank line, or null when the connection closed first. */
    static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      for (int b; (b = in.read()) >= 0; ) {
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (matched == 4) {
          return head.toString(StandardCharsets.US_ASCII);
        }
      }
      return null;
    }

    private static void skipBody(InputStream in, String head) throws IOException {
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          in.readNBytes(Integer.parseInt(line.substring("content-length:".length()).trim()));
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
