package dev.archway.gateway;

import java.time.Instant;

/**
 * The latest document that was refused, reported by readiness until a document is accepted.
 *
 * @param origin where the document came from
 * @param message why, naming the field
 * @param at when
 */
public record Rejection(String origin, String message, Instant at) {}
