package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway ({@code bin/archway gateway}, the Quarkus jar of {@code package}) as a
 * process of its own, stopped with SIGTERM the way Kubernetes stops a pod. Runs in the
 * {@code packaged-process} surefire execution, after {@code package}.
 */
class SigtermProcessIT {

  /** QUARKUS_SHUTDOWN_DELAY: readiness DOWN, still serving. */
  static final Duration DELAY = Duration.ofSeconds(5);
  /** The upstream's answer to the request in flight at SIGTERM: outlasts the delay. */
  static final Duration SLOW = Duration.ofSeconds(8);
  /** archway.drain-timeout. */
  static final Duration DRAIN = Duration.ofSeconds(10);
  /** Kubernetes' default terminationGracePeriodSeconds: the process must be gone before SIGKILL. */
  static final Duration GRACE = Duration.ofSeconds(30);

  /** The repository: surefire runs in the gateway module's directory. */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  /** Set by the packaged-process execution only: elsewhere (e.g. -Dtest=... before package) the test is skipped. */
  static final String APP_PROPERTY = "archway.packagedApp";
  static final Path WORK = Path.of("target", "sigterm-process-it").toAbsolutePath();

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private HttpServer upstream;
  private Process gateway;

  @AfterEach
  void stop() {
    if (gateway != null && gateway.isAlive()) {
      gateway.destroyForcibly();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    threads.shutdownNow();
  }

  @Test
  void sigtermTurnsReadinessDownKeepsServingFinishesInFlightClosesIdleConnectionsAndExits() throws Exception {
    Assumptions.assumeTrue(System.getProperty(APP_PROPERTY) != null,
        "runs in the packaged-process execution, after package");
    assertThat(Path.of(System.getProperty(APP_PROPERTY))).as("the packaged gateway (mvn package)").exists();
    CountDownLatch slowArrived = new CountDownLatch(1);
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    upstream.setExecutor(threads);
    upstream.createContext("/", exchange -> {
      if (exchange.getRequestURI().getPath().equals("/slow")) {
        slowArrived.countDown();
        sleep(SLOW);
      }
      byte[] body = ("answer to " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    upstream.start();

    int port = Ports.free();
    int management = Ports.free();
    Files.createDirectories(WORK);
    Path config = WORK.resolve("gateway.json");
    Files.writeString(config, Configs.json(Configs.everythingTo(port, upstream.getAddress().getPort())));
    Path log = WORK.resolve("gateway.log");
    ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("bin/archway").toString(), "gateway",
        "--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(Map.of(
        "ARCHWAY_BIND_HOST", "127.0.0.1",
        "ARCHWAY_DRAIN_TIMEOUT", DRAIN.toSeconds() + "s",
        "ARCHWAY_PROXY_INSTANCES", "1",
        "QUARKUS_MANAGEMENT_HOST", "127.0.0.1",
        "QUARKUS_MANAGEMENT_PORT", Integer.toString(management),
        "QUARKUS_SHUTDOWN_DELAY", DELAY.toSeconds() + "s",
        "JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1"));
    gateway = builder.start();
    URI ready = URI.create("http://127.0.0.1:" + management + "/q/health/ready");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> status(http, ready) == 200);
    } catch (RuntimeException e) {
      throw new AssertionError("gateway not ready; its log:\n" + Files.readString(log), e);
    }

    // a keep-alive connection that stays idle from here on
    Socket idle = connect(port);
    Answer first = Answer.exchange(idle, "/fast");
    assertThat(first.status).isEqualTo(200);
    assertThat(first.headers.get("connection")).isNull();

    // a request the upstream holds longer than the shutdown delay
    Socket slow = connect(port);
    CompletableFuture<Answer> inFlight = CompletableFuture.supplyAsync(() -> {
      try {
        return Answer.exchange(slow, "/slow");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, threads);
    assertThat(slowArrived.await(10, TimeUnit.SECONDS)).as("slow request reached the upstream").isTrue();

    long pid = gateway.pid();
    long signalled = System.nanoTime();
    gateway.destroy(); // SIGTERM
    assertThat(ProcessHandle.of(pid)).isPresent();

    // readiness turns DOWN first, while the process still serves
    await().atMost(DELAY).pollInterval(Duration.ofMillis(50)).until(() -> status(http, ready) == 503);
    assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).body())
        .contains("shutting down");

    // a new request during the delay is served, and the client is asked to go elsewhere
    Socket late = connect(port);
    Answer duringDelay = Answer.exchange(late, "/late");
    long servedAfter = System.nanoTime() - signalled;
    assertThat(duringDelay.status).isEqualTo(200);
    assertThat(duringDelay.body).isEqualTo("answer to /late");
    assertThat(duringDelay.headers.get("connection")).isEqualToIgnoringCase("close");
    assertThat(Duration.ofNanos(servedAfter)).isLessThan(DELAY);
    assertThat(late.getInputStream().read()).as("closed after the answer (FIN, not a reset)").isEqualTo(-1);
    assertThat(gateway.isAlive()).isTrue();

    // the request in flight at SIGTERM completes
    Answer slowAnswer = inFlight.get(SLOW.plus(DRAIN).toSeconds(), TimeUnit.SECONDS);
    assertThat(slowAnswer.status).isEqualTo(200);
    assertThat(slowAnswer.body).isEqualTo("answer to /slow");

    // the idle keep-alive connection is closed politely: end of stream, no reset
    assertThat(idle.getInputStream().read()).as("idle keep-alive connection ends with a FIN").isEqualTo(-1);

    // the process exits within its grace period; the JVM reports a SIGTERM exit as 128 + 15
    assertThat(gateway.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS)).as("exited within the grace period")
        .isTrue();
    Duration exitedAfter = Duration.ofNanos(System.nanoTime() - signalled);
    assertThat(gateway.exitValue()).as("exit status; log:\n" + Files.readString(log)).isEqualTo(143);
    assertThat(exitedAfter).isLessThan(DELAY.plus(SLOW).plus(Duration.ofSeconds(10)));
    assertThat(Files.readString(log)).contains("shutting down: readiness is DOWN, still serving")
        .doesNotContain("requests still in flight after");
  }

  private static int status(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout((int) (SLOW.plus(DRAIN).plus(DELAY).toMillis()));
    return socket;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One HTTP/1.1 exchange on a raw socket: a reset shows up as an exception, a FIN as end of stream. */
  record Answer(int status, Map<String, String> headers, String body) {

    static Answer exchange(Socket socket, String path) throws IOException {
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: sigterm.test\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String statusLine = line(in);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers,
          new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("connection ended in the middle of an answer");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.US_ASCII);
    }
  }
}
