package dev.forgepreview.workflows;

/**
 * Where a preview stands. {@code QUEUED} (waiting for its admission coordinator's slot) {@code →
 * PROVISIONING → DEPLOYING → READY ⇄ UPDATING → DESTROYING → DESTROYED}, or {@code FAILED} after a
 * rollback, or {@code TEARDOWN_FAILED} when a teardown or a rollback gave up after its bounded
 * rounds (what is left is in {@link PreviewStatus#leftBehind}).
 */
public enum Phase {
  QUEUED,
  PROVISIONING,
  DEPLOYING,
  READY,
  UPDATING,
  DESTROYING,
  DESTROYED,
  FAILED,
  TEARDOWN_FAILED;

  public boolean isFinal() {
    return this == DESTROYED || this == FAILED || this == TEARDOWN_FAILED;
  }
}
