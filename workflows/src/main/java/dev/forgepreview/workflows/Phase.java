package dev.forgepreview.workflows;

/** Where a preview stands. {@code PROVISIONING → DEPLOYING → READY ⇄ UPDATING → DESTROYING}. */
public enum Phase {
  PROVISIONING,
  DEPLOYING,
  READY,
  UPDATING,
  DESTROYING,
  DESTROYED,
  FAILED;

  public boolean isFinal() {
    return this == DESTROYED || this == FAILED;
  }
}
