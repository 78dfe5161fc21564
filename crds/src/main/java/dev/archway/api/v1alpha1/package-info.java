/** The Archway custom resources, group {@code archway.dev}, version {@code v1alpha1}. */
package dev.archway.api.v1alpha1;
