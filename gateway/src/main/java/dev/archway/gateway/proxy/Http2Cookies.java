package dev.archway.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * HTTP/2 clients may split the Cookie header into one field per cookie (RFC 9113 section
 * 8.2.3); an HTTP/1.1 upstream must get them as one header, joined with "; ".
 */
final class Http2Cookies {

  private Http2Cookies() {}

  static void join(MultiMap headers) {
    List<String> cookies = headers.getAll(HttpHeaders.COOKIE);
    if (cookies.size() > 1) {
      headers.set(HttpHeaders.COOKIE, String.join("; ", cookies));
    }
  }
}
