package dev.archway.gateway.tls;

import dev.archway.model.ListenerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.KeyStoreHelper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A certificate chain and its private key as read from their PEM files, checked to belong together.
 *
 * @param files where they were read from
 * @param cert the certificate file's bytes
 * @param key the key file's bytes
 * @param chain the certificates of the file, the presented one first
 * @param privateKey the key, parsed
 */
public record CertificatePair(
    ListenerConfig.CertificateFiles files, byte[] cert, byte[] key, X509Certificate[] chain, PrivateKey privateKey) {

  private static final byte[] PROBE = "archway certificate and key match".getBytes();

  /**
   * Reads and checks a pair.
   *
   * @param at the config field of the pair, e.g. {@code listeners[1].tls.certificates[0]}
   * @throws CertificateLoadException naming {@code at}, the file and what is wrong with it
   */
  public static CertificatePair read(Vertx vertx, String at, ListenerConfig.CertificateFiles files)
      throws CertificateLoadException {
    byte[] cert = readFile(at + ".certFile", files.certFile());
    byte[] key = readFile(at + ".keyFile", files.keyFile());
    X509Certificate[] chain;
    try {
      var parsed = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(cert));
      if (parsed.isEmpty()) {
        throw new CertificateLoadException(at + ".certFile: " + files.certFile() + " holds no PEM certificate", null);
      }
      chain = parsed.toArray(new X509Certificate[0]);
    } catch (java.security.cert.CertificateException | ClassCastException e) {
      throw new CertificateLoadException(at + ".certFile: " + files.certFile() + " is not a PEM certificate: "
          + e.getMessage(), e);
    }
    PrivateKey privateKey;
    try {
      // Vert.x reads the key as it will when serving it: PKCS#8, PKCS#1 (RSA) or SEC1 (EC)
      KeyStore store = new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key))
          .loadKeyStore(vertx);
      String alias = Collections.list(store.aliases()).get(0);
      Key loaded = store.getKey(alias, KeyStoreHelper.DUMMY_PASSWORD.toCharArray());
      privateKey = (PrivateKey) loaded;
    } catch (Exception e) {
      throw new CertificateLoadException(at + ".keyFile: " + files.keyFile() + " is not a PEM private key: "
          + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }
    X509Certificate leaf = chain[0];
    if (!matches(privateKey, leaf)) {
      throw new CertificateLoadException(at + ".keyFile: the key in " + files.keyFile()
          + " does not belong to the certificate in " + files.certFile(), null);
    }
    if (leaf.getNotAfter().toInstant().isBefore(Instant.now())) {
      org.jboss.logging.Logger.getLogger(CertificatePair.class).warnf("%s: the certificate in %s expired at %s",
          at, files.certFile(), leaf.getNotAfter().toInstant());
    }
    return new CertificatePair(files, cert, key, chain, privateKey);
  }

  /** The certificate presented to clients. */
  public X509Certificate leaf() {
    return chain[0];
  }

  /**
   * Host names the certificate is for: its DNS subject alternative names, lower case, wildcards
   * as {@code *.example.com}; the subject's common name only when it has none.
   */
  public List<String> dnsNames() {
    List<String> names = new ArrayList<>();
    try {
      var sans = leaf().getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // no usable names: served only as the default
    }
    if (names.isEmpty()) {
      try {
        for (var rdn : new javax.naming.ldap.LdapName(leaf().getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
          }
        }
      } catch (javax.naming.InvalidNameException e) {
        // as above
      }
    }
    return names;
  }

  /** When the presented certificate expires. */
  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** Same files with the same bytes. */
  public boolean sameAs(CertificatePair other) {
    return other != null && files.equals(other.files) && Arrays.equals(cert, other.cert)
        && Arrays.equals(key, other.key);
  }

  /** Subject and validity, for logs. */
  public String describe() {
    return leaf().getSubjectX500Principal().getName() + " (valid until " + notAfter() + ")";
  }

  private static byte[] readFile(String at, String file) throws CertificateLoadException {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new CertificateLoadException(at + ": cannot read " + file + ": " + e, e);
    }
  }

  /** Signs with the key and verifies with the certificate; key types it does not know pass. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> null;
    };
    if (algorithm == null) {
      return true;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CertificatePair p && sameAs(p);
  }

  @Override
  public int hashCode() {
    return files.hashCode() * 31 + Arrays.hashCode(cert);
  }
}
