package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.gateway.proxy.ClientLimits;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests too big or ambiguously framed are refused before they reach an upstream. */
class ClientLimitsTest extends TwoUpstreamsFixture {

  static final ClientLimits LIMITS =
      new ClientLimits(1024, 256, 1000, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));

  @BeforeEach
  void smallLimits() {
    gateway.close();
    gateway = new GatewayUnderTest(vertx, GatewayUnderTest.OPTIONS.withLimits(LIMITS));
    gateway.apply(Configs.everythingTo(port, a.port()));
  }

  @Test
  void oversizedHeadersGet431AndAnOverlongRequestLineGets414() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(2000) + "\r\n\r\n").readToClose();
      assertThat(reply).startsWith("HTTP/1.1 431 ").containsIgnoringCase("x-request-id: ")
          .contains("request headers larger than the limit");
    }
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("GET /" + "y".repeat(400) + " HTTP/1.1\r\nHost: a\r\n\r\n").readToClose();
      assertThat(reply).contains(" 414 ").contains("request line longer than the limit");
    }
    // just under the limits passes
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("GET /" + "y".repeat(200) + " HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(800)
          + "\r\nConnection: close\r\n\r\n").readToClose();
      assertThat(reply).startsWith("HTTP/1.1 200 ").endsWith("a");
    }
    assertThat(a.count()).isEqualTo(1);
    assertThat(gateway.registry.get("archway.requests").tags("route", "none", "status", "4xx").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void bodyAnnouncedOverTheLimitGets413WithoutContinueAndWithoutContactingTheUpstream() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n"
          + "Expect: 100-continue\r\n\r\n").readToClose();
      assertThat(reply).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue")
          .contains("request body larger than 1000 bytes");
    }
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
          + "z".repeat(1000)).readToClose();
      assertThat(reply).startsWith("HTTP/1.1 200 ").contains("z".repeat(1000));
    }
    assertThat(a.received).extracting(TestUpstream.Received::uri).containsExactly("/echo");
  }

  @Test
  void chunkedBodyGrowingPastTheLimitGets413AndTheUpstreamExchangeIsAborted() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      // /slow answers only once the whole body is in: no answer has started when the limit is passed
      raw.send("POST /slow HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n" + "c".repeat(300)
          + "\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> a.count() == 1);
      for (int i = 0; i < 3; i++) {
        raw.send("12c\r\n" + "c".repeat(300) + "\r\n"); // 4 x 300 bytes > 1000
      }
      String reply = raw.readToClose();
      assertThat(reply).startsWith("HTTP/1.1 413 ").contains("request body larger than 1000 bytes")
          .containsIgnoringCase("connection: close");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> a.closedConnections.get() == 1);
    assertThat(Http.get(client, port, "example.com", "/").status()).isEqualTo(200);
  }

  @Test
  void chunkedBodyPastTheLimitOnceTheAnswerStartedResetsTheConnection() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      // /echo streams the body back: its answer is under way before the limit is passed
      raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n" + "c".repeat(300)
          + "\r\n");
      raw.readUntil("c".repeat(300));
      for (int i = 0; i < 3; i++) {
        raw.send("12c\r\n" + "d".repeat(300) + "\r\n");
      }
      String reply = raw.readToClose();
      assertThat(reply).startsWith("HTTP/1.1 200 ").doesNotContain(" 413 ");
      // no last chunk: a truncated body must not look complete (the head is left out: a request id may
      // end in 0 just before the blank line)
      assertThat(reply.substring(reply.indexOf("\r\n\r\n") + 4)).startsWith("12c\r\n")
          .doesNotContain("\r\n0\r\n\r\n");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> a.closedConnections.get() == 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Content-Length: 5\r\nTransfer-Encoding: chunked",
      "Transfer-Encoding: chunked\r\nContent-Length: 5",
      "Content-Length: 5\r\nContent-Length: 6",
      "Content-Length: 5\r\nContent-Length: 5",
      "Content-Length: 5, 5",
      "Content-Length: five",
      "Content-Length: -5",
      "Transfer-Encoding: chunked, gzip",
      "Transfer-Encoding: gzip",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
  })
  void ambiguousFramingGets400AndTheConnectionIsClosed(String framing) throws Exception {
    // what follows the headers would be a second, smuggled request under one reading of the framing
    String smuggled = "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("POST /x HTTP/1.1\r\nHost: a\r\n" + framing + "\r\n\r\n" + smuggled).readToClose();
      assertThat(reply).startsWith("HTTP/1.1 400 ").contains("malformed request")
          .containsIgnoringCase("connection: close").doesNotContain("/smuggled");
      assertThat(reply.indexOf("HTTP/1.1", 1)).as("one answer only").isEqualTo(-1);
    }
    assertThat(a.count()).isZero();
  }

  @Test
  void transferEncodingInAnHttp10RequestGets400() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("POST /x HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
          .readToClose();
      assertThat(reply).contains(" 400 ").contains("Transfer-Encoding in an HTTP/1.0 request");
    }
    assertThat(a.count()).isZero();
  }

  @Test
  void chunkedBodyWithinTheLimitIsRelayed() throws Exception {
    try (RawClient raw = new RawClient(port)) {
      String reply = raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close"
          + "\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").readToClose();
      assertThat(reply).startsWith("HTTP/1.1 200 ").contains("abc").contains("de");
    }
  }
}
