package dev.forgepreview.workflows;

/**
 * The one list of {@code ApplicationFailure} types that activities raise and the workflow reads.
 * Retrying cannot help the non-retryable ones.
 */
public enum FailureType {
  /** 401 or 403 from an outside API. Non-retryable. */
  AUTHENTICATION,
  /** 422: the request itself is wrong. Non-retryable. */
  VALIDATION,
  /** 404 where the thing must exist. */
  NOT_FOUND,
  /** 429: retried after the delay the server asked for. */
  RATE_LIMITED,
  /** 5xx, a dropped connection, a timeout: worth a retry. */
  TRANSIENT,
  /** A poll: the thing is not ready yet. Benign, retried on a fixed interval. */
  NOT_READY,
  /** The thing failed for good (a deployment that ended {@code failed}). Non-retryable. */
  FAILED,
  /** An answer we could not read. */
  BAD_RESPONSE,
  /** Input refused before anything ran (a name full of shell metacharacters). Non-retryable. */
  INVALID_INPUT;

  public static final String[] NON_RETRYABLE = {
    AUTHENTICATION.name(), VALIDATION.name(), FAILED.name(), INVALID_INPUT.name()
  };
}
