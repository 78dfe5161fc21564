package dev.archway.gateway;

/**
 * What became of one offered config document.
 *
 * @param result applied, unchanged (same version as running) or rejected
 * @param version content version of the document, null when it could not be decoded
 * @param message why it was rejected, naming the field; null otherwise
 */
public record ApplyOutcome(Result result, String version, String message) {

  /** The three fates of a document. */
  public enum Result { APPLIED, UNCHANGED, REJECTED }
}
