package dev.archway.gateway.proxy;

import io.vertx.core.MultiMap;

/**
 * Headers that describe one connection and must not cross the proxy (RFC 9110 section 7.6.1):
 * the fixed set plus any header the Connection header names.
 */
final class HopByHopHeaders {

  private HopByHopHeaders() {}

  /**
   * Copies {@code from} into {@code to} leaving out hop-by-hop headers. Uses forEach, which
   * (unlike iterating the entries) makes no entry object per header.
   */
  static void copyEndToEnd(MultiMap from, MultiMap to) {
    String connection = from.get("connection");
    from.forEach((name, value) -> {
      if (!isHopByHop(name) && !namedIn(connection, name)) {
        to.add(name, value);
      }
    });
  }

  /** Matches without allocating: these run for every header of every request. */
  static boolean isHopByHop(String name) {
    switch (name.length()) {
      case 2:
        return name.equalsIgnoreCase("te");
      case 7:
        return name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
      case 10:
        return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 16:
        return name.equalsIgnoreCase("proxy-connection");
      case 17:
        return name.equalsIgnoreCase("transfer-encoding");
      default:
        return false;
    }
  }

  /** Whether the comma-separated Connection header value lists {@code name}. */
  static boolean namedIn(String connection, String name) {
    if (connection == null) {
      return false;
    }
    int start = 0;
    int length = connection.length();
    while (start < length) {
      int comma = connection.indexOf(',', start);
      int end = comma < 0 ? length : comma;
      int s = start;
      int e = end;
      while (s < e && Character.isWhitespace(connection.charAt(s))) {
        s++;
      }
      while (e > s && Character.isWhitespace(connection.charAt(e - 1))) {
        e--;
      }
      if (e - s == name.length() && connection.regionMatches(true, s, name, 0, name.length())) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /**
   * Removes the connection-specific headers HTTP/2 forbids (RFC 9113 section 8.2.2), for an answer
   * on HTTP/2 whose route filters set one; a client would reset the stream. {@code TE} is left:
   * it is a request header.
   */
  static void dropForHttp2(MultiMap headers) {
    headers.remove("connection");
    headers.remove("keep-alive");
    headers.remove("proxy-connection");
    headers.remove("transfer-encoding");
    headers.remove("upgrade");
  }
}
