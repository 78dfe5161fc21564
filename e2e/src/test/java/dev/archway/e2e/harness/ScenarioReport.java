package dev.archway.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Collects one row per scenario (requests sent / failed / p99 and a note) and prints the table
 * once, when the whole test run ends; it is also written to e2e/target/e2e-summary.md.
 * Register on a test class with {@code @ExtendWith(ScenarioReport.class)}.
 */
public final class ScenarioReport implements BeforeAllCallback {

  /** One line of the summary. */
  public record Row(String scenario, long sent, long failed, long p99Micros, String note) {}

  private static final List<Row> ROWS = new ArrayList<>();

  public static synchronized void record(String scenario, LoadGenerator.Result r, String note) {
    Row row = new Row(scenario, r.sent(), r.failed(), r.p99Micros(), note);
    ROWS.add(row);
    System.out.printf("[e2e] %s: sent %d, failed %d (%.3f %%), p50 %.1f ms, p99 %.1f ms, max %.1f ms; %s%n",
        scenario, r.sent(), r.failed(), r.failedPercent(), r.p50Micros() / 1000.0, r.p99Micros() / 1000.0,
        r.maxMicros() / 1000.0, note);
    if (!r.failures().isEmpty()) {
      var reasons = new java.util.TreeMap<String, Long>();
      r.failures().forEach(f -> reasons.merge(f.reason(), 1L, Long::sum));
      var sent = r.failures().stream().mapToLong(LoadGenerator.Failure::sentNanos).summaryStatistics();
      var onWire = r.failures().stream().mapToLong(LoadGenerator.Failure::onWireNanos).summaryStatistics();
      System.out.printf("[e2e]   failures sent between %d ms and %d ms into the run, on the wire by %d ms: %s%n",
          sent.getMin() / 1_000_000, sent.getMax() / 1_000_000, onWire.getMax() / 1_000_000, reasons);
      if (r.failures().size() <= 30) {
        r.failures().forEach(f -> System.out.printf("[e2e]     sent %d ms, on the wire %d ms, ended %d ms: %s%n",
            f.sentNanos() / 1_000_000, f.onWireNanos() / 1_000_000, f.endedNanos() / 1_000_000, f.reason()));
      }
    }
  }

  static synchronized String table() {
    StringBuilder b = new StringBuilder();
    b.append("End-to-end scenarios, ").append(LocalDate.now()).append(", ")
        .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, load average ")
        .append(String.format(java.util.Locale.ROOT, "%.1f",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
        .append(" at the end\n\n");
    b.append("| scenario | requests sent | failed | p99 | notes |\n|---|---:|---:|---:|---|\n");
    for (Row r : ROWS) {
      b.append(String.format("| %s | %d | %d | %.1f ms | %s |%n", r.scenario(), r.sent(), r.failed(),
          r.p99Micros() / 1000.0, r.note()));
    }
    return b.toString();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // a resource in the root store is closed when the whole run ends, after every test class
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(ScenarioReport.class, k -> new Printer(), Printer.class);
  }

  static final class Printer implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() throws IOException {
      String t = table();
      System.out.println("\n" + t);
      Files.createDirectories(ProcessCluster.ROOT.resolve("e2e/target"));
      Files.writeString(ProcessCluster.ROOT.resolve("e2e/target/e2e-summary.md"), t);
    }
  }
}
