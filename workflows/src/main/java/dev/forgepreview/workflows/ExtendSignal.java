package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code {"ttl": "P3D"}}: an ISO-8601 duration added to the current expiry. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExtendSignal(String ttl) {}
