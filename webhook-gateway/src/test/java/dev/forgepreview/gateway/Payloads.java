package dev.forgepreview.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The recorded GitHub deliveries under {@code payloads/}, adjusted per test: each test takes its
 * own pull request number so the workflows of one test never meet those of another.
 */
final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger NUMBERS = new AtomicInteger(1000);

  private final ObjectNode root;

  private Payloads(ObjectNode root) {
    this.root = root;
  }

  static int nextNumber() {
    return NUMBERS.incrementAndGet();
  }

  static Payloads load(String name) {
    try (InputStream in = Payloads.class.getResourceAsStream("/payloads/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no payload " + name);
      }
      return new Payloads((ObjectNode) JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the pull request number wherever the event carries it. */
  Payloads number(int number) {
    if (root.has("number")) {
      root.put("number", number);
    }
    if (root.has("pull_request")) {
      ((ObjectNode) root.get("pull_request")).put("number", number);
    }
    if (root.has("issue")) {
      ((ObjectNode) root.get("issue")).put("number", number);
    }
    return this;
  }

  Payloads repository(String owner, String name) {
    ObjectNode repository = (ObjectNode) root.get("repository");
    repository.put("name", name);
    repository.put("full_name", owner + "/" + name);
    ((ObjectNode) repository.get("owner")).put("login", owner);
    if (root.has("pull_request")) {
      headRepository(owner + "/" + name);
    }
    return this;
  }

  /** The repository the pull request's branch lives in (another one for a fork). */
  Payloads headRepository(String fullName) {
    ((ObjectNode) root.get("pull_request").get("head").get("repo")).put("full_name", fullName);
    return this;
  }

  Payloads headSha(String sha) {
    ((ObjectNode) root.get("pull_request").get("head")).put("sha", sha);
    return this;
  }

  Payloads commentBody(String body) {
    ((ObjectNode) root.get("comment")).put("body", body);
    return this;
  }

  byte[] bytes() {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
