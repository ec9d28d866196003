package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** What a run hands to the next one when it continues-as-new. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CarriedState(
    PreviewSettings settings,
    PreviewStatus status,
    long expiresAtMillis,
    UpdateSignal pendingUpdate,
    DestroySignal pendingDestroy,
    boolean destroyRequested,
    List<String> recentDeliveries,
    String requestedSha) {}
