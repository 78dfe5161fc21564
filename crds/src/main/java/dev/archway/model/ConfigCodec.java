package dev.archway.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads and writes config documents.
 *
 * <p>Output is canonical (sorted keys, no insignificant whitespace), so equal configs encode to
 * equal bytes and the content hash is stable across JVMs and releases of Jackson.
 */
public final class ConfigCodec {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();
  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private ConfigCodec() {}

  /** Canonical JSON of a config. */
  public static String encode(GatewayConfig config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("config model cannot be serialised", e);
    }
  }

  /**
   * Parses a document (JSON, or YAML when it does not start with '{'), checks its schema
   * version, content hash and references, and returns it with its version filled in.
   *
   * @throws ConfigException naming the field at fault
   */
  public static GatewayConfig decode(String document) {
    if (document == null || document.isBlank()) {
      throw new ConfigException("config document is empty");
    }
    boolean json = document.stripLeading().startsWith("{");
    GatewayConfig parsed;
    try {
      parsed = (json ? JSON : YAML).readValue(document, GatewayConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          "unknown field " + fieldPath(e) + " (known: " + e.getKnownPropertyIds() + ")", e);
    } catch (MismatchedInputException e) {
      throw new ConfigException("field " + fieldPath(e) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException("config document is not valid " + (json ? "JSON" : "YAML")
          + ": " + e.getOriginalMessage(), e);
    }
    if (parsed == null) {
      throw new ConfigException("config document is empty");
    }
    if (parsed.schemaVersion() != GatewayConfig.SCHEMA_VERSION) {
      throw new ConfigException(
          "schemaVersion: " + parsed.schemaVersion() + " is not supported, this gateway reads "
              + GatewayConfig.SCHEMA_VERSION);
    }
    ConfigValidator.validate(parsed);
    String hash = hash(parsed);
    if (parsed.version() != null && !parsed.version().isEmpty() && !parsed.version().equals(hash)) {
      throw new ConfigException(
          "version: document says " + parsed.version() + " but its content hashes to " + hash
              + " (edited by hand or truncated?)");
    }
    return parsed.version() == null || parsed.version().isEmpty()
        ? parsed.withContentVersion()
        : parsed;
  }

  /** Content hash of a config: the first 16 hex digits of SHA-256 over its canonical JSON, version left out. */
  public static String hash(GatewayConfig config) {
    GatewayConfig unversioned =
        new GatewayConfig(
            config.schemaVersion(),
            null,
            config.cluster(),
            config.listeners(),
            config.routes(),
            config.services());
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(encode(unversioned).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String fieldPath(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? "(document)" : path.toString();
  }
}
