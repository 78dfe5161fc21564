package dev.archway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The table of contents of a config document too big for one ConfigMap: the document is
 * gzip-compressed, cut into shards that live in ConfigMaps of their own, and this manifest
 * (in the ConfigMap the gateway watches by name) names each shard with its SHA-256. A reader
 * assembles the document only when every shard is there with the right checksum, so a gateway
 * never sees half a document; the document's own content hash is checked on top by
 * {@link ConfigCodec#decode}.
 *
 * @param version content-hash version of the document the shards assemble to
 * @param encoding how the joined shards encode the document; only {@value #GZIP}
 * @param bytes length of the uncompressed document in bytes
 * @param shards the shards in order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigManifest(String version, String encoding, long bytes, List<Shard> shards) {

  /** The one encoding there is: gzip over the UTF-8 document. */
  public static final String GZIP = "gzip";
  /** ConfigMap data key of the manifest JSON. */
  public static final String MANIFEST_KEY = "manifest.json";
  /** ConfigMap binaryData key of a shard's bytes. */
  public static final String SHARD_KEY = "shard";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  public ConfigManifest {
    shards = shards == null ? List.of() : List.copyOf(shards);
  }

  /**
   * One piece of the compressed document.
   *
   * @param name the ConfigMap that holds it (binaryData key {@value ConfigManifest#SHARD_KEY})
   * @param sha256 hex SHA-256 of the shard's bytes
   * @param bytes length of the shard in bytes
   */
  public record Shard(String name, String sha256, long bytes) {}

  /** A document compressed and cut into pieces of at most {@code shardBytes}. */
  public record Split(ConfigManifest manifest, List<byte[]> pieces) {}

  /**
   * Compresses a document and cuts it into shards.
   *
   * @param shardName the ConfigMap name of the shard at an index
   */
  public static Split split(String version, String document, int shardBytes,
      java.util.function.IntFunction<String> shardName) {
    if (shardBytes <= 0) {
      throw new IllegalArgumentException("shardBytes must be positive, was " + shardBytes);
    }
    byte[] utf8 = document.getBytes(StandardCharsets.UTF_8);
    byte[] gz = gzip(utf8);
    List<byte[]> pieces = new ArrayList<>();
    List<Shard> shards = new ArrayList<>();
    for (int from = 0, i = 0; from < gz.length; from += shardBytes, i++) {
      byte[] piece = Arrays.copyOfRange(gz, from, Math.min(gz.length, from + shardBytes));
      pieces.add(piece);
      shards.add(new Shard(shardName.apply(i), sha256(piece), piece.length));
    }
    return new Split(new ConfigManifest(version, GZIP, utf8.length, shards), pieces);
  }

  /**
   * Joins the shards of this manifest into the document.
   *
   * @param pieces the shard bytes in manifest order; an entry may be null when its ConfigMap is missing
   * @throws ConfigException naming the first shard that is missing or does not match its checksum
   */
  public String assemble(List<byte[]> pieces) {
    if (!GZIP.equals(encoding)) {
      throw new ConfigException("manifest of config " + version + ": encoding " + encoding
          + " is not supported, this gateway reads " + GZIP);
    }
    if (pieces.size() != shards.size()) {
      throw new ConfigException("manifest of config " + version + " names " + shards.size()
          + " shards but " + pieces.size() + " were read");
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    for (int i = 0; i < shards.size(); i++) {
      Shard shard = shards.get(i);
      byte[] piece = pieces.get(i);
      if (piece == null) {
        throw new ConfigException("shard " + i + " of config " + version + " (ConfigMap " + shard.name()
            + ") is missing");
      }
      String sum = sha256(piece);
      if (piece.length != shard.bytes() || !sum.equals(shard.sha256())) {
        throw new ConfigException("shard " + i + " of config " + version + " (ConfigMap " + shard.name()
            + ") has " + piece.length + " bytes with sha256 " + sum + ", the manifest expects "
            + shard.bytes() + " bytes with sha256 " + shard.sha256());
      }
      gz.writeBytes(piece);
    }
    byte[] utf8;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray()))) {
      utf8 = in.readAllBytes();
    } catch (IOException e) {
      throw new ConfigException("shards of config " + version + " do not decompress: " + e.getMessage(), e);
    }
    if (utf8.length != bytes) {
      throw new ConfigException("shards of config " + version + " decompress to " + utf8.length
          + " bytes, the manifest expects " + bytes);
    }
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** Canonical JSON of this manifest. */
  public String encode() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest cannot be serialised", e);
    }
  }

  /** Parses a manifest. @throws ConfigException when it is not one */
  public static ConfigManifest decode(String json) {
    ConfigManifest m;
    try {
      m = JSON.readValue(json, ConfigManifest.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException("config manifest is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (m == null || m.version() == null || m.version().isBlank()) {
      throw new ConfigException("config manifest has no version");
    }
    if (m.shards().isEmpty()) {
      throw new ConfigException("config manifest of " + m.version() + " names no shards");
    }
    for (Shard s : m.shards()) {
      if (s == null || s.name() == null || s.sha256() == null) {
        throw new ConfigException("config manifest of " + m.version() + ": every shard needs a name and a sha256");
      }
    }
    return m;
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Hex SHA-256 of some bytes. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
