package dev.archway.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** {@code /healthz} (the process runs) and {@code /readyz} (informers are healthy) for probes. */
final class OperatorHealth implements AutoCloseable {

  private final HttpServer server;

  OperatorHealth(Operator operator, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", ex -> reply(ex, 200, "ok"));
    server.createContext("/readyz", ex -> {
      boolean healthy = operator.getRuntimeInfo().isStarted()
          && operator.getRuntimeInfo().allEventSourcesAreHealthy();
      reply(ex, healthy ? 200 : 503, healthy ? "ok" : "informers not healthy");
    });
    server.start();
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
