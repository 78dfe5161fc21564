package dev.archway.operator.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/** A small HTTP server that answers every request with what it received, naming itself. */
public final class EchoUpstream implements AutoCloseable {

  private final HttpServer server;
  private final String name;

  public EchoUpstream(String host, int port, String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "echo-" + port);
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::echo);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void echo(HttpExchange ex) throws IOException {
    byte[] requestBody = ex.getRequestBody().readAllBytes();
    StringBuilder body = new StringBuilder();
    body.append("upstream: ").append(name).append('\n');
    body.append("request: ").append(ex.getRequestMethod()).append(' ').append(ex.getRequestURI()).append('\n');
    new TreeMap<>(ex.getRequestHeaders()).forEach((k, v) -> body.append("header: ").append(k.toLowerCase())
        .append(": ").append(String.join(", ", v)).append('\n'));
    if (requestBody.length > 0) {
      body.append("body: ").append(requestBody.length).append(" bytes\n");
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.getResponseHeaders().set("X-Upstream", name);
    ex.sendResponseHeaders(200, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
