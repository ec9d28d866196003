package dev.forgepreview.gateway.http;

import io.micronaut.core.annotation.Introspected;

/** The one error format of the gateway: {@code {"error": "..."}}. */
@Introspected
public record ErrorBody(String error) {}
