package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.gateway.proxy.ClientLimits;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients that send too slowly, or not at all, lose their connection; none is leaked. */
class SlowClientsTest extends TwoUpstreamsFixture {

  static final Duration HEADER_TIMEOUT = Duration.ofMillis(800);
  static final Duration BODY_TIMEOUT = Duration.ofMillis(800);
  static final Duration IDLE_TIMEOUT = Duration.ofMillis(1000);

  @BeforeEach
  void shortTimeouts() {
    gateway.close();
    gateway = new GatewayUnderTest(vertx, GatewayUnderTest.OPTIONS.withLimits(
        new ClientLimits(8192, 4096, 1_000_000, HEADER_TIMEOUT, BODY_TIMEOUT, IDLE_TIMEOUT)));
    gateway.apply(Configs.everythingTo(port, a.port()));
  }

  @AfterEach
  void noConnectionLeftAndTheGatewayStillServes() {
    await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 0);
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").readToClose();
      assertThat(reply).startsWith("HTTP/1.1 200 ").endsWith("a");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 0);
  }

  double openConnections() {
    return gateway.registry.get("archway.downstream.connections").gauge().value();
  }

  @Test
  void headersTrickledInTooSlowlyGet408AndTheConnectionIsClosed() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      long start = System.nanoTime();
      raw.send("GET / HTTP/1.1\r\nHost: a\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 1);
      // slowloris: a header byte every 200 ms keeps the connection busy but never completes the head
      Thread trickle = new Thread(() -> {
        try {
          for (int i = 0; i < 50; i++) {
            raw.send("X");
            Thread.sleep(200);
          }
        } catch (IOException | InterruptedException closed) {
          // the gateway closed the connection
        }
      });
      trickle.setDaemon(true);
      trickle.start();
      String reply = raw.readToClose();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      trickle.interrupt();
      assertThat(reply).startsWith("HTTP/1.1 408 ").containsIgnoringCase("x-request-id: ")
          .containsIgnoringCase("connection: close").endsWith("request headers not received in time\n");
      assertThat(millis).isGreaterThanOrEqualTo(HEADER_TIMEOUT.toMillis()).isLessThan(5000);
    }
    assertThat(a.count()).isZero();
    assertThat(gateway.registry.get("archway.requests").tags("route", "none", "status", "4xx").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      raw.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(raw.readUntil("\r\n\r\na")).startsWith("HTTP/1.1 200 ");
      long answered = System.nanoTime();
      assertThat(openConnections()).isEqualTo(1);
      String rest = raw.readToClose();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
      assertThat(rest).endsWith("\r\n\r\na").as("nothing after the answer").hasSize(rest.indexOf("\r\n\r\na") + 5);
      assertThat(millis).isGreaterThanOrEqualTo(IDLE_TIMEOUT.toMillis() - 50).isLessThan(5000);
    }
  }

  @Test
  void keepAliveConnectionInUseIsNotClosedByTheIdleTimeout() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      // requests 600 ms apart: each gap is under the idle timeout, their sum is well over it
      for (int i = 0; i < 4; i++) {
        raw.send("GET /n" + i + " HTTP/1.1\r\nHost: a\r\n\r\n");
        raw.readUntil("HTTP/1.1 200 OK\r\n".repeat(1));
        Thread.sleep(600);
      }
      raw.send("GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      String all = raw.readToClose();
      assertThat(all.split("HTTP/1.1 200 ", -1)).hasSize(6);
    }
    assertThat(a.count()).isEqualTo(5);
  }

  @Test
  void slowUpstreamDoesNotCountAsAnIdleOrSlowClient() throws Exception {
    b.silent();
    gateway.apply(Configs.everythingTo(port, b.port()));
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").readToClose();
      // upstream silence of 1.5 s (GatewayUnderTest.OPTIONS), longer than every client timeout, gets
      // the upstream timeout's 504, not a client timeout
      assertThat(reply).startsWith("HTTP/1.1 504 ");
    }
    gateway.apply(Configs.everythingTo(port, a.port()));
  }

  @Test
  void bodyStalledMidwayGets408AndTheUpstreamExchangeIsAborted() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      // /slow answers only after the whole body: the answer has not started when the client stalls
      raw.send("POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" + "s".repeat(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> a.count() == 1);
      long stalled = System.nanoTime();
      String reply = raw.readToClose();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalled);
      assertThat(reply).startsWith("HTTP/1.1 408 ").containsIgnoringCase("x-request-id: ")
          .contains("request body not received in time");
      assertThat(millis).isLessThan(5000);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> a.closedConnections.get() == 1);
    assertThat(gateway.registry.get("archway.requests").tags("route", "test/all", "status", "4xx").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void bodySentSlowlyButSteadilyIsRelayed() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\nConnection: close\r\n\r\n");
      // 8 bytes 400 ms apart: 3.2 s in all, each gap under the body timeout
      for (int i = 0; i < 8; i++) {
        raw.send(Integer.toString(i));
        Thread.sleep(400);
      }
      String reply = raw.readToClose();
      assertThat(reply).startsWith("HTTP/1.1 200 ");
      // echoed chunk by chunk: size line, data line
      String[] lines = reply.substring(reply.indexOf("\r\n\r\n") + 4).split("\r\n");
      StringBuilder echoed = new StringBuilder();
      for (int i = 1; i < lines.length; i += 2) {
        echoed.append(lines[i]);
      }
      assertThat(echoed.toString()).isEqualTo("01234567");
    }
  }
}
