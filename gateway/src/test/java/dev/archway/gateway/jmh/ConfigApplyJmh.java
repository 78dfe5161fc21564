package dev.archway.gateway.jmh;

import dev.archway.gateway.ApplyOutcome;
import dev.archway.gateway.ConfigApplier;
import dev.archway.gateway.GatewayMetrics;
import dev.archway.gateway.LiveConfig;
import dev.archway.gateway.proxy.ListenerSet;
import dev.archway.gateway.proxy.ProxyOptions;
import dev.archway.gateway.upstream.UpstreamSet;
import dev.archway.model.ConfigCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A config document through the real apply path ({@link ConfigApplier}: decode, validate,
 * prepare upstreams, compile, swap, listener already open), alternating two documents that
 * differ in every rule so each apply compiles and swaps. Run by hand, see gateway/README.md.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConfigApplyJmh {

  @Param({"10000"})
  public int routes;

  private Vertx vertx;
  private ListenerSet listeners;
  private ConfigApplier applier;
  private final String[] documents = new String[2];
  private int next;

  @Setup
  public void setUp() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    documents[0] = ConfigCodec.encode(RouteConfigs.config(routes, port, ""));
    documents[1] = ConfigCodec.encode(RouteConfigs.config(routes, port, "/v2"));
    vertx = Vertx.vertx();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GatewayMetrics metrics = new GatewayMetrics(registry);
    LiveConfig live = new LiveConfig();
    listeners = new ListenerSet(vertx,
        new ProxyOptions("127.0.0.1", 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 16), live::routeTable,
        metrics);
    applier = new ConfigApplier(live, listeners, new UpstreamSet(vertx, registry), Optional.empty(), metrics);
    apply();
  }

  /** Decode, compile and swap one 10,000-rule document. */
  @Benchmark
  public ApplyOutcome apply() throws Exception {
    ApplyOutcome outcome = applier.submit(documents[next++ & 1], "bench").get(60, TimeUnit.SECONDS);
    if (outcome.result() != ApplyOutcome.Result.APPLIED) {
      throw new IllegalStateException("not applied: " + outcome);
    }
    return outcome;
  }

  @TearDown
  public void tearDown() throws IOException {
    applier.close();
    listeners.close();
    vertx.close();
  }
}
