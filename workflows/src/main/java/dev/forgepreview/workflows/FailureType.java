package dev.forgepreview.workflows;

import java.util.Arrays;

/**
 * The one list of {@code ApplicationFailure} types that activities raise and the workflow reads,
 * with whether retrying can help. {@link ActivityFailures} builds every activity failure from this
 * table, and the workflow's retry policies read {@link #NON_RETRYABLE} from it, so the two agree.
 */
public enum FailureType {
  /** 401 or 403 from an outside API, an SSH key refused, a host key that does not match. */
  AUTHENTICATION(false, false),
  /** 422 (or another 4xx): the request itself is wrong. */
  VALIDATION(false, false),
  /**
   * 404 where the thing must exist. Retrying cannot make it appear: waits for something to appear
   * are polls ({@link #NOT_READY}).
   */
  NOT_FOUND(false, false),
  /** 429: retried after the delay the server asked for. */
  RATE_LIMITED(true, false),
  /** 5xx, a dropped connection, a timeout: worth a retry. */
  TRANSIENT(true, false),
  /** A poll: the thing is not ready yet. Benign (pages nobody), retried on a fixed interval. */
  NOT_READY(true, true),
  /** The thing failed for good (a deployment that ended {@code failed}, a refused action). */
  FAILED(false, false),
  /** An answer we could not read (a proxy's error page, a truncated body): worth a retry. */
  BAD_RESPONSE(true, false),
  /** Input refused before anything ran (a name full of shell metacharacters, no SSH key). */
  INVALID_INPUT(false, false);

  /** The types retrying cannot help, for {@code RetryOptions.setDoNotRetry}. */
  public static final String[] NON_RETRYABLE =
      Arrays.stream(values()).filter(t -> !t.retryable).map(Enum::name).toArray(String[]::new);

  private final boolean retryable;
  private final boolean benign;

  FailureType(boolean retryable, boolean benign) {
    this.retryable = retryable;
    this.benign = benign;
  }

  /** Whether another attempt can succeed. */
  public boolean retryable() {
    return retryable;
  }

  /** Part of normal flow (a poll): logged and metered as benign, never paging anyone. */
  public boolean benign() {
    return benign;
  }
}
