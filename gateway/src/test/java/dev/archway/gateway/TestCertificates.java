package dev.archway.gateway;

import dev.archway.model.ListenerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates made by the openssl command line at test time, in a temp directory. */
final class TestCertificates {

  private TestCertificates() {}

  /** A fresh RSA 2048 key and a certificate for it; otherwise as {@link #create}. */
  static ListenerConfig.CertificateFiles createRsa(Path dir, String name, String subject, String... dnsNames)
      throws IOException, InterruptedException {
    return create(dir, name, List.of("-newkey", "rsa:2048"), subject, dnsNames);
  }

  /**
   * A fresh EC P-256 key and a certificate for it.
   *
   * @param dir where {@code name.crt} and {@code name.key} are written
   * @param subject e.g. {@code /CN=site.test/O=v1}
   * @param dnsNames subject alternative names
   */
  static ListenerConfig.CertificateFiles create(Path dir, String name, String subject, String... dnsNames)
      throws IOException, InterruptedException {
    return create(dir, name, List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"), subject, dnsNames);
  }

  private static ListenerConfig.CertificateFiles create(Path dir, String name, List<String> keyOptions,
      String subject, String... dnsNames) throws IOException, InterruptedException {
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509"));
    command.addAll(keyOptions);
    command.addAll(List.of("-nodes", "-days", "30", "-keyout", key.toString(), "-out", cert.toString(),
        "-subj", subject));
    if (dnsNames.length > 0) {
      command.add("-addext");
      command.add("subjectAltName=" + String.join(",", java.util.Arrays.stream(dnsNames).map(d -> "DNS:" + d).toList()));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl failed: " + output);
    }
    return new ListenerConfig.CertificateFiles(cert.toString(), key.toString());
  }

  /** Replaces the files of {@code target} with those of {@code source} the way a renewal tool would: each atomically. */
  static void replace(ListenerConfig.CertificateFiles target, ListenerConfig.CertificateFiles source)
      throws IOException {
    copyAtomically(Path.of(source.certFile()), Path.of(target.certFile()));
    copyAtomically(Path.of(source.keyFile()), Path.of(target.keyFile()));
  }

  static void copyAtomically(Path from, Path to) throws IOException {
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
