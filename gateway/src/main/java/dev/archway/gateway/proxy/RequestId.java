package dev.archway.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code X-Request-Id} of a request: the client's own when it is sane (1 to 128 characters of
 * letters, digits and {@code -_.:;=+/@~}), else a new random 128-bit id in hex. It is sent upstream
 * and set on the answer, gateway replies included.
 */
final class RequestId {

  static final String HEADER = "x-request-id";
  static final int MAX_LENGTH = 128;

  /**
   * Mixed into every id so two processes whose random generators happen to agree still differ.
   * Not from SecureRandom: its first seeding can block an event loop for seconds.
   */
  private static final long PROCESS_SALT = new SplittableRandom(
      ProcessHandle.current().pid() * 0x9E3779B97F4A7C15L ^ System.nanoTime() ^ System.currentTimeMillis()).nextLong();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestId() {}

  /**
   * Decides the request's id, puts it on the request headers (so it is forwarded) and arranges for
   * it to be on the answer; returns it.
   */
  static String apply(HttpServerRequest request) {
    MultiMap headers = request.headers();
    String id = headers.get(HEADER);
    if (id == null || !isSane(id)) {
      id = generate();
      headers.set(HEADER, id);
    } else {
      List<String> all = headers.getAll(HEADER);
      if (all.size() > 1) {
        headers.set(HEADER, id); // one id only: the first one sent
      }
    }
    onAnswer(request.response(), id);
    return id;
  }

  /** Sets the id on the answer once its headers are final (overriding an upstream's own). */
  static void onAnswer(HttpServerResponse response, String id) {
    response.headersEndHandler(done -> response.headers().set(HEADER, id));
  }

  /** 32 hex digits of fresh randomness. */
  static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[32];
    hex(random.nextLong() ^ PROCESS_SALT, out, 0);
    hex(random.nextLong(), out, 16);
    return new String(out);
  }

  static boolean isSane(String id) {
    int length = id.length();
    if (length == 0 || length > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == ':' || c == ';' || c == '=' || c == '+' || c == '/'
          || c == '@' || c == '~';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static void hex(long value, char[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }
}
