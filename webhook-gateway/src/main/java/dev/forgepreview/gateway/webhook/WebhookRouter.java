package dev.forgepreview.gateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.gateway.webhook.GitHubEvent.Repository;
import dev.forgepreview.gateway.webhook.WebhookResponse.Action;
import dev.forgepreview.settings.RepositoriesFile;
import dev.forgepreview.workflows.DestroySignal;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.PreviewRequest;
import dev.forgepreview.workflows.PreviewSettings;
import dev.forgepreview.workflows.PreviewSettings.Trigger;
import dev.forgepreview.workflows.UpdateSignal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the mapping from a verified GitHub delivery to what happens in Temporal: start (signal-with-
 * start), {@code update}, {@code destroy}, or nothing. Called only after the signature check.
 */
@Singleton
public class WebhookRouter {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRouter.class);

  static final String NO_PREVIEW_RUNNING = "no preview running";
  private static final String FORK =
      "pull request from a fork: a maintainer comments /preview to start it";
  private static final Set<String> TRUSTED_ASSOCIATIONS = Set.of("OWNER", "MEMBER", "COLLABORATOR");

  private final ObjectMapper json;
  private final RepositoriesFile repositories;
  private final PreviewStarter previews;

  /**
   * @param repositories the repositories file as it is now: each delivery reads the settings once,
   *     so an edit applies from the next delivery on
   */
  public WebhookRouter(ObjectMapper json, RepositoriesFile repositories, PreviewStarter previews) {
    this.json = json;
    this.repositories = repositories;
    this.previews = previews;
  }

  /** The outcome of a delivery: 200 (ping) or 202 with its body. */
  public record Routed(HttpStatus status, WebhookResponse body) {}

  /**
   * Routes one delivery.
   *
   * @throws WebhookRejectedException 400 for a malformed payload, 403 for a repository that is not
   *     allowed
   */
  public Routed route(String event, @Nullable String deliveryId, byte[] body) {
    GitHubEvent payload = parse(body);
    if ("ping".equals(event)) {
      return new Routed(HttpStatus.OK, WebhookResponse.ignored(null, "pong"));
    }
    Repository repository = payload.repository();
    if (repository == null) {
      return accepted(WebhookResponse.ignored(null, "event " + event + " has no repository"));
    }
    RepositoryName name = RepositoryName.of(repository);
    String owner = name.owner();
    String repo = name.repo();
    PreviewSettings settings =
        repositories
            .get()
            .find(owner, repo)
            .orElseThrow(
                () ->
                    new WebhookRejectedException(
                        HttpStatus.FORBIDDEN,
                        "repository " + owner + "/" + repo + " is not allowed"));
    Delivery delivery =
        new Delivery(event, deliveryId, owner, repo, settings.trigger(), settings.label(), payload);
    WebhookResponse response =
        switch (event) {
          case "pull_request" -> pullRequest(delivery);
          case "issue_comment" -> issueComment(delivery);
          default -> WebhookResponse.ignored(null, "event " + event + " is not handled");
        };
    LOG.info(
        "delivery {} ({} {}) for {}/{}: {} {} ({})",
        deliveryId,
        event,
        payload.action(),
        owner,
        repo,
        response.action().json(),
        response.workflowId(),
        response.reason());
    return accepted(response);
  }

  private record Delivery(
      String event,
      @Nullable String deliveryId,
      String owner,
      String repo,
      Trigger trigger,
      @Nullable String label,
      GitHubEvent payload) {

    String workflowId(int number) {
      return PreviewIds.workflowId(owner, repo, number);
    }

    @Nullable
    String sender() {
      return payload.sender() == null ? null : payload.sender().login();
    }
  }

  private WebhookResponse pullRequest(Delivery delivery) {
    GitHubEvent payload = delivery.payload();
    GitHubEvent.PullRequest pr = payload.pullRequest();
    if (pr == null) {
      throw new WebhookRejectedException(HttpStatus.BAD_REQUEST, "pull_request is missing");
    }
    int number = number(payload.number() != null ? payload.number() : pr.number());
    String workflowId = delivery.workflowId(number);
    String action = String.valueOf(payload.action());
    boolean draft = Boolean.TRUE.equals(pr.draft());
    String branch = pr.head() == null ? null : pr.head().ref();
    String headSha = pr.head() == null ? null : pr.head().sha();
    UpdateSignal update =
        new UpdateSignal(headSha, branch, delivery.deliveryId(), delivery.sender());
    UpdateSignal startUpdate =
        new UpdateSignal(headSha, branch, delivery.deliveryId(), delivery.sender(), true, null);
    boolean fork = isFork(pr, payload.repository());
    return switch (action) {
      case "opened", "reopened", "ready_for_review" -> {
        if (draft) {
          yield WebhookResponse.ignored(workflowId, "draft pull request");
        }
        if (fork) {
          yield WebhookResponse.ignored(workflowId, FORK);
        }
        if (delivery.trigger() == Trigger.COMMENT) {
          yield WebhookResponse.ignored(
              workflowId, "trigger is comment: comment /preview to start");
        }
        if (delivery.trigger() == Trigger.LABEL) {
          yield WebhookResponse.ignored(
              workflowId, "trigger is label: add the label " + delivery.label() + " to start");
        }
        yield start(delivery, number, startUpdate, "pull_request " + action);
      }
      case "synchronize" -> {
        if (fork) {
          // New commits from a fork are not trusted until a maintainer asks for them.
          yield WebhookResponse.ignored(
              workflowId, "push to a pull request from a fork: a maintainer comments /update");
        }
        if (previews.update(workflowId, update)) {
          yield new WebhookResponse(workflowId, Action.SIGNALLED, "update: new commit " + headSha);
        }
        if (delivery.trigger() != Trigger.AUTO || draft) {
          yield WebhookResponse.ignored(workflowId, NO_PREVIEW_RUNNING);
        }
        if (fork) {
          yield WebhookResponse.ignored(workflowId, FORK);
        }
        yield start(delivery, number, startUpdate, "pull_request synchronize");
      }
      case "closed" -> {
        String reason =
            Boolean.TRUE.equals(pr.merged()) ? "pull request merged" : "pull request closed";
        yield destroy(workflowId, new DestroySignal(reason, delivery.sender()));
      }
      case "labeled", "unlabeled" -> label(delivery, number, pr, action, startUpdate);
      default ->
          WebhookResponse.ignored(workflowId, "pull_request action " + action + " is not handled");
    };
  }

  /**
   * {@code trigger: label}: adding the configured label starts the preview, removing it destroys
   * it. The workflow checks the sender's permission as for a comment command (GitHub's triage role
   * can label without write access), so both are sent as coming from a command.
   */
  private WebhookResponse label(
      Delivery delivery,
      int number,
      GitHubEvent.PullRequest pr,
      String action,
      UpdateSignal startUpdate) {
    String workflowId = delivery.workflowId(number);
    if (delivery.trigger() != Trigger.LABEL) {
      return WebhookResponse.ignored(
          workflowId, "pull_request action " + action + " is not handled");
    }
    GitHubEvent.Label label = delivery.payload().label();
    String name = label == null ? null : label.name();
    if (name == null || !name.equalsIgnoreCase(delivery.label())) {
      return WebhookResponse.ignored(
          workflowId, "label " + name + " is not the preview label " + delivery.label());
    }
    String sender = delivery.sender();
    if ("unlabeled".equals(action)) {
      return destroy(
          workflowId, new DestroySignal("label " + name + " removed by " + sender, sender, true));
    }
    if ("closed".equalsIgnoreCase(pr.state())) {
      return WebhookResponse.ignored(workflowId, "label on a closed pull request");
    }
    UpdateSignal update =
        new UpdateSignal(
            startUpdate.headSha(),
            startUpdate.branch(),
            startUpdate.deliveryId(),
            sender,
            true,
            true);
    return start(delivery, number, update, "label " + name + " added by " + sender);
  }

  /**
   * A pull request whose branch lives in another repository. Its code is not trusted to run next to
   * a clone of the master database until a maintainer comments {@code /preview}.
   */
  private static boolean isFork(GitHubEvent.PullRequest pr, GitHubEvent.Repository base) {
    String head =
        pr.head() == null || pr.head().repo() == null ? null : pr.head().repo().fullName();
    String baseName = base == null ? null : base.fullName();
    return head == null || baseName == null || !head.equalsIgnoreCase(baseName);
  }

  private WebhookResponse issueComment(Delivery delivery) {
    GitHubEvent payload = delivery.payload();
    if (!"created".equals(payload.action())) {
      return WebhookResponse.ignored(
          null, "issue_comment action " + payload.action() + " is not handled");
    }
    if (payload.issue() == null || payload.issue().pullRequest() == null) {
      return WebhookResponse.ignored(null, "comment is not on a pull request");
    }
    String workflowId = delivery.workflowId(number(payload.issue().number()));
    GitHubEvent.Comment comment = payload.comment();
    String command = comment == null ? null : command(comment.body());
    if (command == null) {
      return WebhookResponse.ignored(workflowId, "comment is not a command");
    }
    if (!List.of("/preview", "/update", "/destroy").contains(command)) {
      return WebhookResponse.ignored(workflowId, "unknown command " + command);
    }
    String association = comment.authorAssociation();
    if (association == null
        || !TRUSTED_ASSOCIATIONS.contains(association.toUpperCase(Locale.ROOT))) {
      return WebhookResponse.ignored(
          workflowId, command + " needs an owner, member or collaborator, not " + association);
    }
    // The workflow asks GitHub whether the author may write before it acts on the command.
    String author = comment.user() == null ? delivery.sender() : comment.user().login();
    if ("/preview".equals(command) && "closed".equalsIgnoreCase(payload.issue().state())) {
      return WebhookResponse.ignored(
          workflowId, "/preview on a closed pull request: reopen it first, then comment /preview");
    }
    // An issue_comment carries no head sha or branch: the workflow looks them up.
    return switch (command) {
      case "/preview" ->
          start(
              delivery,
              number(payload.issue().number()),
              new UpdateSignal(null, null, delivery.deliveryId(), author, true, true),
              "/preview by " + author);
      case "/update" ->
          previews.update(
                  workflowId,
                  new UpdateSignal(null, null, delivery.deliveryId(), author, null, true))
              ? new WebhookResponse(workflowId, Action.SIGNALLED, "update: /update by " + author)
              : WebhookResponse.ignored(workflowId, NO_PREVIEW_RUNNING);
      default -> destroy(workflowId, new DestroySignal("/destroy by " + author, author, true));
    };
  }

  private WebhookResponse start(Delivery delivery, int number, UpdateSignal update, String why) {
    // No counting here: beyond maxConcurrentPreviews the preview waits QUEUED for its admission
    // coordinator's slot, which holds the cap exactly.
    String workflowId = delivery.workflowId(number);
    PreviewRequest request =
        new PreviewRequest(
            delivery.owner(),
            delivery.repo(),
            number,
            update.branch(),
            update.headSha(),
            update.requestedBy(),
            null,
            update.fromComment());
    StartOutcome outcome = previews.start(request, update);
    String phase = outcome.phase() == null ? "" : " (" + outcome.phase() + ")";
    return switch (outcome.kind()) {
      case STARTED -> new WebhookResponse(workflowId, Action.STARTED, why);
      case REACHED_ENDING_RUN ->
          new WebhookResponse(
              workflowId,
              Action.ACCEPTED,
              why
                  + ": the preview is being torn down"
                  + phase
                  + "; a fresh one starts once that is done");
      case REACHED_LIVE_RUN ->
          new WebhookResponse(
              workflowId,
              Action.ACCEPTED,
              why
                  + ": a preview is already running"
                  + phase
                  + "; it redeploys if the commit changed");
    };
  }

  private WebhookResponse destroy(String workflowId, DestroySignal destroy) {
    return previews.destroy(workflowId, destroy)
        ? new WebhookResponse(workflowId, Action.SIGNALLED, "destroy: " + destroy.reason())
        : WebhookResponse.ignored(workflowId, NO_PREVIEW_RUNNING);
  }

  /** The command on the first non-blank line, lower-cased, or null when it is not a command. */
  @Nullable
  static String command(@Nullable String body) {
    if (body == null) {
      return null;
    }
    String line = body.strip().lines().findFirst().orElse("").strip();
    if (!line.startsWith("/") || line.length() < 2) {
      return null;
    }
    return line.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
  }

  private GitHubEvent parse(byte[] body) {
    try {
      GitHubEvent payload = json.readValue(body, GitHubEvent.class);
      if (payload == null) {
        throw new WebhookRejectedException(HttpStatus.BAD_REQUEST, "payload is not a JSON object");
      }
      return payload;
    } catch (JsonProcessingException e) {
      throw new WebhookRejectedException(HttpStatus.BAD_REQUEST, "malformed JSON payload");
    } catch (IOException e) {
      // readValue(byte[]) does no real I/O; anything else is a payload we cannot read either
      throw new WebhookRejectedException(HttpStatus.BAD_REQUEST, "unreadable payload");
    }
  }

  private record RepositoryName(String owner, String repo) {
    static RepositoryName of(Repository repository) {
      String owner = repository.owner() == null ? null : repository.owner().login();
      String repo = repository.name();
      if ((owner == null || repo == null) && repository.fullName() != null) {
        String[] parts = repository.fullName().split("/", -1);
        if (parts.length == 2) {
          owner = owner == null ? parts[0] : owner;
          repo = repo == null ? parts[1] : repo;
        }
      }
      if (!isName(owner) || !isName(repo)) {
        throw new WebhookRejectedException(HttpStatus.BAD_REQUEST, "repository owner/name missing");
      }
      return new RepositoryName(owner, repo);
    }
  }

  private static boolean isName(@Nullable String part) {
    return part != null && !part.isBlank() && part.indexOf(':') < 0 && part.indexOf('/') < 0;
  }

  private static int number(@Nullable Integer number) {
    if (number == null || number <= 0) {
      throw new WebhookRejectedException(HttpStatus.BAD_REQUEST, "pull request number missing");
    }
    return number;
  }

  private static Routed accepted(WebhookResponse response) {
    return new Routed(HttpStatus.ACCEPTED, response);
  }
}
