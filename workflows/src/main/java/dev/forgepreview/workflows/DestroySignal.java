package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code {"reason": "...", "requestedBy": "..."}}, every field optional; the signal may be null.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DestroySignal(String reason, String requestedBy) {}
