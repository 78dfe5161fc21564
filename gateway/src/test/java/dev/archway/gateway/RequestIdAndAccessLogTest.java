package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archway.gateway.Http.Reply;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every request carries an X-Request-Id to the upstream and back, and is logged as one JSON line. */
class RequestIdAndAccessLogTest extends TwoUpstreamsFixture {

  final BlockingQueue<String> accessLines = new LinkedBlockingQueue<>();
  final Logger accessLogger = Logger.getLogger("archway.access");
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      accessLines.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void accessLogOn() {
    gateway.close();
    gateway = new GatewayUnderTest(vertx, GatewayUnderTest.OPTIONS.withAccessLog(true));
    accessLogger.addHandler(capture);
  }

  @AfterEach
  void removeCapture() {
    accessLogger.removeHandler(capture);
  }

  @Test
  void aSaneIdFromTheClientIsKeptForwardedAndReturned() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    Reply reply = get("/x", MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", "client-id.42:ab/c=="));
    assertThat(reply.headers().getAll("x-request-id")).containsExactly("client-id.42:ab/c==");
    assertThat(a.received.poll().headers().getAll("x-request-id")).containsExactly("client-id.42:ab/c==");
  }

  @Test
  void aMissingOrInsaneIdIsReplacedByAFreshOne() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    Reply first = get("/x", MultiMap.caseInsensitiveMultiMap());
    Reply second = get("/x", MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", "has space"));
    Reply third = get("/x", MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", "x".repeat(129)));
    List<String> ids = List.of(first.headers().get("x-request-id"), second.headers().get("x-request-id"),
        third.headers().get("x-request-id"));
    assertThat(ids).allMatch(id -> id.matches("[0-9a-f]{32}")).doesNotHaveDuplicates();
    assertThat(a.received).extracting(r -> r.headers().get("x-request-id")).containsExactlyElementsOf(ids);
  }

  @Test
  void gatewayRepliesCarryTheIdToo() throws Exception {
    gateway.apply(Configs.config(port, List.of(Configs.route("test/api", List.of(), List.of("/api"), "test/svc")),
        List.of(Configs.service("test/svc"))));
    Reply notFound = get("/nothing", MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", "abc"));
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.headers().get("x-request-id")).isEqualTo("abc");
    Reply noTargets = get("/api", MultiMap.caseInsensitiveMultiMap());
    assertThat(noTargets.status()).isEqualTo(503);
    assertThat(noTargets.headers().get("x-request-id")).matches("[0-9a-f]{32}");
  }

  @Test
  void eachRequestIsOneJsonLineWithItsFacts() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    Buffer body = Buffer.buffer("hello");
    Reply reply = Http.send(client, HttpMethod.POST, port, "shop.example.com", "/echo?secret=1", body);
    ObjectMapper json = new ObjectMapper();
    JsonNode line = json.readTree(accessLines.poll(5, TimeUnit.SECONDS));
    assertThat(line.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(line.get("requestId").asText()).isEqualTo(reply.headers().get("x-request-id"));
    assertThat(line.get("client").asText()).startsWith("127.0.0.1:");
    assertThat(line.get("method").asText()).isEqualTo("POST");
    assertThat(line.get("host").asText()).isEqualTo("shop.example.com");
    assertThat(line.get("path").asText()).as("no query string").isEqualTo("/echo");
    assertThat(line.get("protocol").asText()).isEqualTo("HTTP/1.1");
    assertThat(line.get("status").asInt()).isEqualTo(200);
    assertThat(line.get("bytesIn").asLong()).isEqualTo(5);
    assertThat(line.get("bytesOut").asLong()).isEqualTo(5);
    assertThat(line.get("durationMs").asDouble()).isGreaterThan(0);
    assertThat(line.get("upstream").asText()).isEqualTo("127.0.0.1:" + a.port());
    assertThat(line.get("route").asText()).isEqualTo("test/all");
    assertThat(line.get("service").asText()).isEqualTo("test/svc");

    Http.get(client, port, "shop.example.com", "/a\"quote\\");
    JsonNode second = json.readTree(accessLines.poll(5, TimeUnit.SECONDS));
    assertThat(second.get("path").asText()).as("escaped in the line, intact when parsed").isEqualTo("/a\"quote\\");
    assertThat(accessLines).isEmpty();
  }

  @Test
  void refusedAndUnroutedRequestsAreLoggedToo() throws Exception {
    gateway.apply(Configs.config(port, List.of(Configs.route("test/api", List.of(), List.of("/api"), "test/svc")),
        List.of(Configs.service("test/svc", a.port()))));
    Http.get(client, port, "example.com", "/nothing");
    JsonNode unrouted = new ObjectMapper().readTree(accessLines.poll(5, TimeUnit.SECONDS));
    assertThat(unrouted.get("status").asInt()).isEqualTo(404);
    assertThat(unrouted.get("route").isNull()).isTrue();
    assertThat(unrouted.get("upstream").isNull()).isTrue();

    try (RawClient raw = new RawClient(port)) {
      raw.send("POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
          .readToClose();
    }
    JsonNode refused = new ObjectMapper().readTree(accessLines.poll(5, TimeUnit.SECONDS));
    assertThat(refused.get("status").asInt()).isEqualTo(400);
    assertThat(refused.get("method").asText()).isEqualTo("POST");
    assertThat(refused.get("path").asText()).isEqualTo("/api");
  }

  private Reply get(String path, MultiMap headers) throws Exception {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
            .setURI(path).setHeaders(headers))
        .compose(request -> request.send()
            .compose((HttpClientResponse response) -> response.body()
                .map(b -> new Reply(response.statusCode(), b, response.headers()))))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
