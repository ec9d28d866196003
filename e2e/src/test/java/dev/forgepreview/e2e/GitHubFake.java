package dev.forgepreview.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A recording GitHub REST API fake on a MockWebServer: it keeps comments, deployments and
 * deployment statuses the way GitHub does (ids, newest status first, filters by sha and
 * environment), so the worker's find-or-create logic runs for real, and every request is recorded
 * for assertions.
 */
final class GitHubFake implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern COMMENTS =
      Pattern.compile("/repos/([^/]+)/([^/]+)/issues/(\\d+)/comments");
  private static final Pattern COMMENT =
      Pattern.compile("/repos/([^/]+)/([^/]+)/issues/comments/(\\d+)");
  private static final Pattern DEPLOYMENTS = Pattern.compile("/repos/([^/]+)/([^/]+)/deployments");
  private static final Pattern STATUSES =
      Pattern.compile("/repos/([^/]+)/([^/]+)/deployments/(\\d+)/statuses");
  private static final Pattern PULL = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)");
  private static final Pattern PERMISSION =
      Pattern.compile("/repos/([^/]+)/([^/]+)/collaborators/([^/]+)/permission");

  /** Not GitHub's: the path acme/shop's notifications are sent to, answered 200 and recorded. */
  static final String NOTIFICATIONS = "/_notifications/e2e-secret-path";

  /** One request as the worker sent it. */
  record Call(String method, String path, String query, String authorization, JsonNode body) {}

  private final MockWebServer server = new MockWebServer();
  private final AtomicLong ids = new AtomicLong(1000);
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<Long, ObjectNode> comments = new ConcurrentHashMap<>(); // id → comment
  private final Map<Long, String> commentIssue = new ConcurrentHashMap<>(); // id → owner/repo#n
  private final Map<Long, ObjectNode> deployments = new ConcurrentHashMap<>();
  private final Map<Long, List<ObjectNode>> statuses = new ConcurrentHashMap<>();

  GitHubFake start() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return GitHubFake.this.dispatch(request);
          }
        });
    server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    return this;
  }

  /** The API base URL, for GITHUB_API_URL. */
  String url() {
    return server.url("/").toString();
  }

  List<Call> calls() {
    return new ArrayList<>(calls);
  }

  List<Call> calls(String method, String path) {
    return calls.stream().filter(c -> c.method().equals(method) && c.path().equals(path)).toList();
  }

  private MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod();
    String path = request.getUrl().encodedPath();
    JsonNode body = null;
    try {
      if (request.getBody() != null && request.getBody().size() > 0) {
        body = JSON.readTree(request.getBody().utf8());
      }
    } catch (IOException e) {
      return json(400, "{\"message\":\"Problems parsing JSON\"}");
    }
    calls.add(
        new Call(
            method,
            path,
            request.getUrl().query(),
            request.getHeaders().get("Authorization"),
            body));
    synchronized (this) {
      return answer(method, path, request, body);
    }
  }

  private MockResponse answer(String method, String path, RecordedRequest request, JsonNode body) {
    if (path.equals(NOTIFICATIONS) && method.equals("POST")) {
      return json(200, "{}");
    }
    Matcher m;
    if ((m = COMMENTS.matcher(path)).matches()) {
      String issue = m.group(1) + "/" + m.group(2) + "#" + m.group(3);
      if (method.equals("GET")) {
        ArrayNode list = JSON.createArrayNode();
        comments.keySet().stream()
            .sorted()
            .filter(id -> issue.equals(commentIssue.get(id)))
            .forEach(id -> list.add(comments.get(id)));
        return json(200, list.toString());
      }
      if (method.equals("POST")) {
        long id = ids.incrementAndGet();
        ObjectNode comment = JSON.createObjectNode();
        comment.put("id", id);
        comment.put("body", body == null ? "" : body.path("body").asText());
        comment.put(
            "html_url",
            "https://github.com/"
                + m.group(1)
                + "/"
                + m.group(2)
                + "/pull/"
                + m.group(3)
                + "#issuecomment-"
                + id);
        comment.putObject("user").put("login", "forge-preview[bot]");
        comments.put(id, comment);
        commentIssue.put(id, issue);
        return json(201, comment.toString());
      }
    }
    if ((m = COMMENT.matcher(path)).matches() && method.equals("PATCH")) {
      ObjectNode comment = comments.get(Long.parseLong(m.group(3)));
      if (comment == null) {
        return json(404, "{\"message\":\"Not Found\"}");
      }
      comment.put("body", body == null ? "" : body.path("body").asText());
      return json(200, comment.toString());
    }
    if ((m = STATUSES.matcher(path)).matches()) {
      long deployment = Long.parseLong(m.group(3));
      if (!deployments.containsKey(deployment)) {
        return json(404, "{\"message\":\"Not Found\"}");
      }
      List<ObjectNode> list =
          statuses.computeIfAbsent(deployment, d -> new CopyOnWriteArrayList<>());
      if (method.equals("GET")) {
        ArrayNode answer = JSON.createArrayNode();
        for (int i = list.size() - 1; i >= 0; i--) {
          answer.add(list.get(i)); // newest first, like GitHub
        }
        return json(200, answer.toString());
      }
      if (method.equals("POST")) {
        ObjectNode status = JSON.createObjectNode();
        status.put("id", ids.incrementAndGet());
        status.put("state", body == null ? null : body.path("state").asText(null));
        status.put(
            "environment_url", body == null ? null : body.path("environment_url").asText(null));
        status.put("description", body == null ? null : body.path("description").asText(null));
        list.add(status);
        return json(201, status.toString());
      }
    }
    if ((m = DEPLOYMENTS.matcher(path)).matches()) {
      if (method.equals("GET")) {
        String sha = request.getUrl().queryParameter("sha");
        String environment = request.getUrl().queryParameter("environment");
        ArrayNode answer = JSON.createArrayNode();
        deployments.keySet().stream()
            .sorted(java.util.Comparator.reverseOrder())
            .map(deployments::get)
            .filter(d -> sha == null || sha.equals(d.path("sha").asText()))
            .filter(d -> environment == null || environment.equals(d.path("environment").asText()))
            .forEach(answer::add);
        return json(200, answer.toString());
      }
      if (method.equals("POST")) {
        long id = ids.incrementAndGet();
        ObjectNode deployment = JSON.createObjectNode();
        deployment.put("id", id);
        deployment.put("sha", body == null ? null : body.path("ref").asText(null));
        deployment.put("ref", body == null ? null : body.path("ref").asText(null));
        deployment.put("environment", body == null ? null : body.path("environment").asText(null));
        deployment.put("repository", m.group(1) + "/" + m.group(2));
        deployments.put(id, deployment);
        return json(201, deployment.toString());
      }
    }
    if (path.equals("/user") && method.equals("GET")) {
      // Who the worker's token belongs to: the author of the comments it writes.
      return json(200, "{\"login\": \"forge-preview[bot]\", \"type\": \"Bot\"}");
    }
    if ((m = PERMISSION.matcher(path)).matches() && method.equals("GET")) {
      return json(200, "{\"permission\": \"write\", \"role_name\": \"write\"}");
    }
    if ((m = PULL.matcher(path)).matches() && method.equals("GET")) {
      ObjectNode pr = JSON.createObjectNode();
      pr.put("number", Integer.parseInt(m.group(3)));
      pr.put("state", "open");
      ObjectNode head = pr.putObject("head");
      head.put("ref", "feature/e2e-" + m.group(3));
      head.put("sha", "6dcb09b5b57875f334f61aebed695e2e4193db5e");
      head.putObject("repo").put("full_name", m.group(1) + "/" + m.group(2));
      return json(200, pr.toString());
    }
    return json(
        404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}");
  }

  /** The comments on an issue, oldest first, as GitHub would list them. */
  synchronized List<JsonNode> comments(String owner, String repo, int number) {
    String issue = owner + "/" + repo + "#" + number;
    return comments.keySet().stream()
        .sorted()
        .filter(id -> issue.equals(commentIssue.get(id)))
        .map(id -> (JsonNode) comments.get(id).deepCopy())
        .toList();
  }

  /** Deployments of a repository in an environment, newest first. */
  synchronized List<JsonNode> deployments(String environment) {
    return deployments.keySet().stream()
        .sorted(java.util.Comparator.reverseOrder())
        .map(deployments::get)
        .filter(d -> environment.equals(d.path("environment").asText()))
        .map(d -> (JsonNode) d.deepCopy())
        .toList();
  }

  /** A deployment's statuses, oldest first. */
  synchronized List<JsonNode> statuses(long deployment) {
    return statuses.getOrDefault(deployment, List.of()).stream()
        .map(s -> (JsonNode) s.deepCopy())
        .toList();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json; charset=utf-8")
        .addHeader("X-RateLimit-Remaining", "4999")
        .body(body)
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
