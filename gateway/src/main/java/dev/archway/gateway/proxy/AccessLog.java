package dev.archway.gateway.proxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jboss.logging.Logger;

/**
 * One JSON line per answered request on the log category {@value #CATEGORY} ({@code
 * archway.access-log.enabled}). The line is built on the event loop (a few hundred bytes, no
 * formatter); application.properties gives the category an asynchronous console handler of its own
 * that prints the bare message, so the event loop only queues it and never waits for stdout.
 *
 * <p>Fields: {@code time} (arrival, UTC), {@code requestId}, {@code client}, {@code method},
 * {@code host}, {@code path} (no query), {@code protocol}, {@code status}, {@code bytesIn} and
 * {@code bytesOut} (bodies), {@code durationMs}, {@code upstream} (last target tried), {@code
 * route}, {@code service}; unknown ones are {@code null}.
 */
final class AccessLog {

  static final String CATEGORY = "archway.access";
  private static final Logger LOG = Logger.getLogger(CATEGORY);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private AccessLog() {}

  /** What the proxy learns about a request while handling it; only kept when the log is on. */
  static final class Entry {
    final String requestId;
    final long arrived;
    String route;
    String service;
    ProxyExchange exchange;

    Entry(String requestId, long arrived) {
      this.requestId = requestId;
      this.arrived = arrived;
    }
  }

  /** Logs the answer to {@code request}, now that its last byte is written. */
  static void answered(HttpServerRequest request, Entry entry) {
    HttpServerResponse response = request.response();
    long nanos = System.nanoTime() - entry.arrived;
    String target = entry.exchange == null ? null : entry.exchange.target();
    String host = request.getHeader("host");
    if (host == null && request.authority() != null) {
      host = request.authority().toString();
    }
    StringBuilder line = new StringBuilder(320);
    line.append("{\"time\":\"").append(TIME.format(Instant.ofEpochMilli(
        System.currentTimeMillis() - nanos / 1_000_000))).append('"');
    string(line, "requestId", entry.requestId);
    string(line, "client", address(request.remoteAddress()));
    string(line, "method", request.method().name());
    string(line, "host", host);
    string(line, "path", request.path());
    string(line, "protocol", protocol(request));
    line.append(",\"status\":").append(response.getStatusCode());
    line.append(",\"bytesIn\":").append(request.bytesRead());
    line.append(",\"bytesOut\":").append(response.bytesWritten());
    line.append(",\"durationMs\":");
    millis(line, nanos);
    string(line, "upstream", target);
    string(line, "route", entry.route);
    string(line, "service", entry.service);
    LOG.info(line.append('}').toString());
  }

  /** Logs a connection closed with 408 because its request headers did not arrive in time. */
  static void headerTimeout(String client, String requestId, long startedMillis, long nanos) {
    StringBuilder line = new StringBuilder(200);
    line.append("{\"time\":\"").append(TIME.format(Instant.ofEpochMilli(startedMillis))).append('"');
    string(line, "requestId", requestId);
    string(line, "client", client);
    line.append(",\"method\":null,\"host\":null,\"path\":null,\"protocol\":\"HTTP/1.1\",\"status\":408");
    line.append(",\"bytesIn\":0,\"bytesOut\":0,\"durationMs\":");
    millis(line, nanos);
    line.append(",\"upstream\":null,\"route\":null,\"service\":null}");
    LOG.info(line.toString());
  }

  private static String protocol(HttpServerRequest request) {
    switch (request.version()) {
      case HTTP_1_0:
        return "HTTP/1.0";
      case HTTP_2:
        return "HTTP/2";
      default:
        return "HTTP/1.1";
    }
  }

  private static String address(SocketAddress address) {
    if (address == null) {
      return null;
    }
    String host = address.hostAddress();
    return host == null ? address.toString() : host + ":" + address.port();
  }

  private static void millis(StringBuilder line, long nanos) {
    long micros = nanos / 1000;
    line.append(micros / 1000).append('.');
    long fraction = micros % 1000;
    if (fraction < 100) {
      line.append('0');
    }
    if (fraction < 10) {
      line.append('0');
    }
    line.append(fraction);
  }

  /** Appends {@code ,"name":"value"} with JSON escapes, or {@code null}. */
  static void string(StringBuilder line, String name, String value) {
    line.append(",\"").append(name).append("\":");
    if (value == null) {
      line.append("null");
      return;
    }
    line.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        line.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
        line.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
          line.append('0');
        }
        line.append(hex);
      } else {
        line.append(c);
      }
    }
    line.append('"');
  }
}
