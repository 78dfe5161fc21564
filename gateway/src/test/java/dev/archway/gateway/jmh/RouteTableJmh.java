package dev.archway.gateway.jmh;

import dev.archway.gateway.routing.RequestFacts;
import dev.archway.gateway.routing.RouteMatch;
import dev.archway.gateway.routing.RouteTable;
import dev.archway.model.GatewayConfig;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routing at 10, 1,000 and 10,000 rules: one lookup by host and path, and compiling the table.
 * Run by hand, see gateway/README.md (profile {@code bench}).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RouteTableJmh {

  @Param({"10", "1000", "10000"})
  public int routes;

  private GatewayConfig config;
  private RouteTable table;
  private RequestFacts[] requests;
  private int next;

  @Setup
  public void setUp() {
    config = RouteConfigs.config(routes, 8080, "");
    table = RouteTable.compile(config);
    requests = RouteConfigs.requests(routes);
    for (RequestFacts request : requests) {
      if (table.match(request) == null) {
        throw new IllegalStateException("no route for " + request.host() + request.path());
      }
    }
  }

  /** One lookup of a request that matches by host and path prefix (exact and wildcard hosts). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public RouteMatch lookup() {
    return table.match(requests[next++ & (requests.length - 1)]);
  }

  /** Compiling the whole table (fresh upstreams without health checks). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public RouteTable compile() {
    return RouteTable.compile(config);
  }
}
