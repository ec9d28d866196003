package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a run hands to the next one when it continues-as-new. {@code admissionCoordinator}: the
 * coordinator whose slot the preview holds (released when its teardown ends), null when none.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CarriedState(
    PreviewSettings settings,
    PreviewStatus status,
    long expiresAtMillis,
    UpdateSignal pendingUpdate,
    DestroySignal pendingDestroy,
    boolean destroyRequested,
    List<String> recentDeliveries,
    String requestedSha,
    String admissionCoordinator) {

  /** Carried state from before admission (no coordinator holds a slot for it). */
  public CarriedState(
      PreviewSettings settings,
      PreviewStatus status,
      long expiresAtMillis,
      UpdateSignal pendingUpdate,
      DestroySignal pendingDestroy,
      boolean destroyRequested,
      List<String> recentDeliveries,
      String requestedSha) {
    this(
        settings,
        status,
        expiresAtMillis,
        pendingUpdate,
        pendingDestroy,
        destroyRequested,
        recentDeliveries,
        requestedSha,
        null);
  }
}
