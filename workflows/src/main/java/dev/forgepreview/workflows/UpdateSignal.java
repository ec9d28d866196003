package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code {"headSha": "...", "branch": "..."}}. Every field is optional; unknown fields are ignored
 * so a signal typed by hand is never dropped. {@code deliveryId} makes a redelivered webhook
 * harmless.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UpdateSignal(String headSha, String branch, String deliveryId, String requestedBy) {}
