package dev.archway.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

  @Test
  void fixedHopByHopHeadersAndThoseNamedInConnectionAreDropped() {
    MultiMap in = HttpHeaders.headers()
        .add("Connection", "keep-alive,  X-Session-Hop ")
        .add("Keep-Alive", "timeout=5")
        .add("Proxy-Connection", "keep-alive")
        .add("TE", "trailers")
        .add("Trailer", "Expires")
        .add("Transfer-Encoding", "chunked")
        .add("Upgrade", "h2c")
        .add("x-session-hop", "1")
        .add("Accept", "text/plain")
        .add("X-Trace", "a")
        .add("X-Trace", "b");
    MultiMap out = HttpHeaders.headers();
    HopByHopHeaders.copyEndToEnd(in, out);
    assertThat(out.names()).containsExactlyInAnyOrder("Accept", "X-Trace");
    assertThat(out.getAll("x-trace")).containsExactly("a", "b");
  }

  @Test
  void connectionTokensMatchWholeNamesOnly() {
    assertThat(HopByHopHeaders.namedIn("close, x-a", "X-A")).isTrue();
    assertThat(HopByHopHeaders.namedIn("x-ab", "x-a")).isFalse();
    assertThat(HopByHopHeaders.namedIn(null, "x-a")).isFalse();
  }
}
