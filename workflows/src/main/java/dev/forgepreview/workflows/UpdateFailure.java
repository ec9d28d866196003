package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An update that failed while the preview stayed on the commit deployed before it: {@code sha} is
 * the commit that was asked for, {@code step} and {@code reason} say what failed, {@code log} is
 * the end of the deployment log (null when the deployment never ran), {@code failedAt} an ISO-8601
 * instant.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UpdateFailure(
    String sha, String branch, String step, String reason, String log, String failedAt) {}
