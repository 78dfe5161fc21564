/**
 * The gateway config model: the one document the operator renders and every gateway pod
 * loads. Immutable records, a JSON codec ({@link dev.archway.model.ConfigCodec}), a schema
 * version and a content-hash version.
 */
package dev.archway.model;
