package dev.forgepreview.activities.github;

import dev.forgepreview.workflows.DataSource;
import dev.forgepreview.workflows.DeploymentLogTail;
import dev.forgepreview.workflows.Leftover;
import dev.forgepreview.workflows.Phase;
import dev.forgepreview.workflows.PreviewStatus;
import dev.forgepreview.workflows.StepRecord;
import dev.forgepreview.workflows.UpdateFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Renders a preview's one pull request comment from its {@link PreviewStatus}: a pure function.
 * Every free text (messages, reasons, branch names) is flattened to one line, truncated and
 * Markdown-escaped, so a step message cannot break the layout, ping anyone or inject HTML.
 */
public final class CommentRenderer {
  static final int MAX_TEXT = 300;
  static final int MAX_STEPS = 60;
  static final int MAX_LIST = 20;

  /** GitHub refuses comment bodies over 65536 characters. */
  static final int MAX_BODY = 60_000;

  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
  private static final Pattern SAFE_URL = Pattern.compile("https?://[^\\s()<>\\[\\]\"'`]+");

  private CommentRenderer() {}

  /** The hidden line by which the comment is found again: {@code <!-- forge-preview:ID -->}. */
  public static String marker(String previewId) {
    return "<!-- forge-preview:" + previewId + " -->";
  }

  public static String render(String previewId, PreviewStatus status) {
    StringBuilder md = new StringBuilder(2048);
    md.append(marker(previewId)).append('\n');
    Phase phase = status.phase() == null ? Phase.PROVISIONING : status.phase();
    switch (phase) {
      case QUEUED -> queued(md, status);
      case PROVISIONING, DEPLOYING, UPDATING -> building(md, phase, status);
      case READY -> ready(md, status);
      case FAILED -> failed(md, status);
      case DESTROYING -> destroying(md, status);
      case DESTROYED -> destroyed(md, status);
      case TEARDOWN_FAILED -> teardownFailed(md, status);
    }
    warnings(md, status.warnings());
    if (md.length() > MAX_BODY) {
      md.setLength(MAX_BODY);
      md.append("\n\n… (truncated)\n");
    }
    return md.toString();
  }

  /**
   * "Queued, position 3 of 5": the place as the admission coordinator last told it (it tells a
   * queued preview again only when its position crosses 100, 50, 20, 10, 5, 3, 2, 1 or its reason
   * changes, so this comment is not rewritten on every grant).
   */
  private static void queued(StringBuilder md, PreviewStatus status) {
    md.append("### ⏳ Preview environment queued\n\n");
    PreviewStatus.QueueStatus queue = status.queue();
    if (queue == null) {
      md.append("Queued: waiting for a slot.\n\n");
    } else {
      md.append("Queued, position ")
          .append(queue.position())
          .append(" of ")
          .append(queue.length())
          .append(": ")
          .append(escape(queue.reason()))
          .append(".\n\n");
    }
    md.append("It starts by itself once a slot is free; comment `/destroy` (or close the pull ")
        .append("request) to leave the queue.\n\n");
  }

  private static void building(StringBuilder md, Phase phase, PreviewStatus status) {
    String verb = phase == Phase.UPDATING ? "Updating" : "Building";
    md.append("### 🚧 ").append(verb).append(" the preview environment\n\n");
    md.append(verb)
        .append(' ')
        .append(sha(status.headSha()))
        .append(" from ")
        .append(branch(status.branch()))
        .append(" (")
        .append(phase == Phase.DEPLOYING ? "deploying" : phase.name().toLowerCase(Locale.ROOT))
        .append(").\n");
    if (phase == Phase.UPDATING && link(status.previewUrl()) != null) {
      md.append("\nThe current version stays available at ")
          .append(link(status.previewUrl()))
          .append(" meanwhile.\n");
    }
    md.append('\n');
    steps(md, status.steps());
  }

  private static void ready(StringBuilder md, PreviewStatus status) {
    md.append("### ✅ Preview environment ready\n\n");
    String url = link(status.previewUrl());
    md.append("| | |\n|---|---|\n");
    md.append("| **URL** | ").append(url == null ? "—" : url).append(" |\n");
    String deployed = status.deployedSha() != null ? status.deployedSha() : status.headSha();
    md.append("| **Commit** | ").append(sha(deployed)).append(" |\n");
    md.append("| **Branch** | ").append(branch(status.branch())).append(" |\n");
    if (status.expiresAt() != null) {
      md.append("| **Expires** | ").append(escape(status.expiresAt())).append(" |\n");
    }
    String data = data(status);
    if (data != null) {
      md.append("| **Data** | ").append(data).append(" |\n");
    }
    if (status.access() != null) {
      md.append("| **Access** | 🔒 ").append(escape(status.access())).append(" |\n");
    }
    md.append('\n');
    protection(md, status);
    updateFailure(md, status);
    md.append("Comment `/update` to redeploy the latest commit of this pull request, ")
        .append("or `/destroy` to tear the environment down now.\n\n");
    collapsedSteps(md, status.steps());
  }

  private static void failed(StringBuilder md, PreviewStatus status) {
    md.append("### ❌ Preview environment failed\n\n");
    md.append("**Step:** ")
        .append(status.failedStep() == null ? "unknown" : escape(status.failedStep()))
        .append("  \n");
    md.append("**Reason:** ")
        .append(status.failureReason() == null ? "unknown" : escape(status.failureReason()))
        .append("  \n");
    md.append("**Commit:** ").append(sha(status.headSha())).append("\n\n");
    logBlock(md, status.failureLog());
    List<String> rolledBack = status.rolledBack();
    if (rolledBack == null || rolledBack.isEmpty()) {
      md.append("Nothing had to be rolled back.\n\n");
    } else {
      md.append("Rolled back:\n\n");
      list(md, rolledBack);
      md.append('\n');
    }
    md.append("Comment `/update` (or push a commit) to try again.\n\n");
    collapsedSteps(md, status.steps());
  }

  /**
   * Where the database came from and how old its data was when it was cloned: {@code master
   * snapshot of 2026-11-29 03:00 UTC (1 day 7 h old at the clone)}, or a live copy's time.
   */
  static String data(PreviewStatus status) {
    DataSource data = status.data();
    if (data == null || data.takenAt() == null || data.kind() == null) {
      return null;
    }
    Instant taken;
    try {
      taken = Instant.parse(data.takenAt());
    } catch (DateTimeParseException e) {
      return null;
    }
    if (data.kind() == DataSource.Kind.LIVE_MASTER) {
      return "live copy of the master database, " + minutes(taken) + " (no snapshot yet)";
    }
    String text = "master snapshot of " + minutes(taken);
    Instant cloned = cloneFinished(status.steps());
    if (cloned != null && !cloned.isBefore(taken)) {
      text += " (" + age(Duration.between(taken, cloned)) + " old at the clone)";
    }
    return text;
  }

  private static Instant cloneFinished(List<StepRecord> steps) {
    if (steps == null) {
      return null;
    }
    for (StepRecord step : steps) {
      if ("clone-database".equals(step.name()) && step.finishedAt() != null) {
        try {
          return Instant.parse(step.finishedAt());
        } catch (DateTimeParseException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static String minutes(Instant at) {
    LocalDateTime t = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
    return String.format(
        Locale.ROOT,
        "%04d-%02d-%02d %02d:%02d UTC",
        t.getYear(),
        t.getMonthValue(),
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute());
  }

  static String age(Duration age) {
    long days = age.toDays();
    long hours = age.toHoursPart();
    if (days > 0) {
      return days + (days == 1 ? " day " : " days ") + hours + " h";
    }
    if (hours > 0) {
      return hours + " h " + age.toMinutesPart() + " min";
    }
    return Math.max(0, age.toMinutes()) + " min";
  }

  /** An update that failed while the preview stayed on the commit deployed before it. */
  private static void updateFailure(StringBuilder md, PreviewStatus status) {
    UpdateFailure failure = status.lastUpdateFailure();
    if (failure == null) {
      return;
    }
    md.append("#### ❌ The update to ")
        .append(sha(failure.sha()))
        .append(" failed\n\n")
        .append("**Step:** ")
        .append(failure.step() == null ? "unknown" : escape(failure.step()))
        .append("  \n**Reason:** ")
        .append(failure.reason() == null ? "unknown" : escape(failure.reason()))
        .append("\n\nThe preview still runs ")
        .append(sha(status.deployedSha()))
        .append(".\n\n");
    logBlock(md, failure.log());
  }

  /**
   * The end of a deployment log in a fenced code block (no Markdown, HTML or mentions inside),
   * fenced with more backticks than any run in the log so the log cannot close it.
   */
  static void logBlock(StringBuilder md, String log) {
    String tail = DeploymentLogTail.of(log);
    if (tail == null || tail.isBlank()) {
      return;
    }
    String text = tail.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "");
    int longest = 0;
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = text.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(Math.max(3, longest + 1));
    md.append("End of the deployment log:\n\n")
        .append(fence)
        .append('\n')
        .append(text)
        .append('\n')
        .append(fence)
        .append("\n\n");
  }

  private static void destroying(StringBuilder md, PreviewStatus status) {
    md.append("### 🧹 Tearing the preview environment down\n\n");
    freshStart(md, status, "once the teardown is done");
    steps(md, status.steps());
  }

  /** What happens next when a start reached the preview while it was ending. */
  private static void freshStart(StringBuilder md, PreviewStatus status, String when) {
    if (status.startAfterTeardown() != null) {
      md.append("🔁 A fresh preview starts ")
          .append(when)
          .append(" (asked by ")
          .append(escape(status.startAfterTeardown()))
          .append(").\n\n");
    }
  }

  private static void destroyed(StringBuilder md, PreviewStatus status) {
    md.append("### 🗑️ Preview environment destroyed\n\n");
    md.append("Its site, database and queue worker were deleted. ");
    if (status.startAfterTeardown() != null) {
      md.append("\n\n");
      freshStart(md, status, "now");
    } else {
      md.append("Comment `/preview` to build a new one.\n\n");
    }
    collapsedSteps(md, status.steps());
  }

  private static void teardownFailed(StringBuilder md, PreviewStatus status) {
    md.append("### ⚠️ Preview environment only partly torn down\n\n");
    if (status.failedStep() != null) {
      md.append("It had failed at **")
          .append(escape(status.failedStep()))
          .append("**: ")
          .append(status.failureReason() == null ? "unknown" : escape(status.failureReason()))
          .append("\n\n");
    }
    md.append("The teardown gave up after its retries. Left on Forge:\n\n");
    List<Leftover> left = status.leftBehind() == null ? List.of() : status.leftBehind();
    int shown = 0;
    for (Leftover item : left) {
      if (item == null) {
        continue;
      }
      if (shown++ == MAX_LIST) {
        md.append("- … ").append(left.size() - MAX_LIST).append(" more\n");
        break;
      }
      md.append("- ")
          .append(escape(String.valueOf(item.resource())))
          .append(" **")
          .append(escape(String.valueOf(item.name())))
          .append("**: ")
          .append(item.lastError() == null ? "unknown error" : escape(item.lastError()))
          .append('\n');
    }
    md.append("\nThe cleanup schedule deletes these on its next runs; an operator can also ")
        .append("delete them in Forge. Comment `/preview` to build a new preview.\n\n");
    freshStart(md, status, "now");
    collapsedSteps(md, status.steps());
  }

  private static void warnings(StringBuilder md, List<String> warnings) {
    if (warnings == null || warnings.isEmpty()) {
      return;
    }
    md.append("\n⚠️ Warnings:\n\n");
    list(md, warnings);
  }

  private static void collapsedSteps(StringBuilder md, List<StepRecord> steps) {
    if (steps == null || steps.isEmpty()) {
      return;
    }
    md.append("<details><summary>Steps</summary>\n\n");
    steps(md, steps);
    md.append("\n</details>\n");
  }

  private static void steps(StringBuilder md, List<StepRecord> steps) {
    if (steps == null || steps.isEmpty()) {
      md.append("_No step has started yet._\n");
      return;
    }
    md.append("| | Step | Attempts | Details |\n|---|---|---|---|\n");
    int shown = 0;
    for (StepRecord step : steps) {
      if (step == null) {
        continue;
      }
      if (shown++ == MAX_STEPS) {
        md.append("| | … ").append(steps.size() - MAX_STEPS).append(" more | | |\n");
        break;
      }
      md.append("| ")
          .append(emoji(step.state()))
          .append(" | ")
          .append(step.name() == null ? "" : escape(step.name()))
          .append(" | ")
          .append(step.attempts())
          .append(" | ")
          .append(step.message() == null ? "" : escape(step.message()))
          .append(" |\n");
    }
  }

  private static void list(StringBuilder md, List<String> items) {
    int shown = 0;
    for (String item : items) {
      if (shown++ == MAX_LIST) {
        md.append("- … ").append(items.size() - MAX_LIST).append(" more\n");
        return;
      }
      md.append("- ").append(item == null ? "" : escape(item)).append('\n');
    }
  }

  static String emoji(StepRecord.StepState state) {
    if (state == null) {
      return "⚪";
    }
    return switch (state) {
      case RUNNING -> "⏳";
      case SUCCEEDED -> "✅";
      case WARNING -> "⚠️";
      case FAILED -> "❌";
      case SKIPPED -> "⏭️";
      case COMPENSATED -> "↩️";
    };
  }

  private static String sha(String sha) {
    if (sha == null) {
      return "an unknown commit";
    }
    return SHA.matcher(sha).matches()
        ? "`" + sha.substring(0, Math.min(12, sha.length())) + "`"
        : escape(sha);
  }

  /** How operators get the password of a protected preview; the password itself never. */
  private static void protection(StringBuilder md, PreviewStatus status) {
    if (status.access() == null) {
      return;
    }
    md.append("This preview is protected by HTTP basic auth. Operators print its user and password")
        .append(" with `bin/forge-preview credentials ")
        .append(status.pullRequest());
    if (status.repository() != null && status.repository().matches("[a-z0-9_.-]+/[a-z0-9_.-]+")) {
      md.append(" --repo ").append(status.repository());
    }
    md.append("`.\n\n");
  }

  private static String branch(String branch) {
    return branch == null ? "an unknown branch" : "**" + escape(branch) + "**";
  }

  /** A Markdown link when the URL is plainly http(s), else null. */
  static String link(String url) {
    if (url == null || url.length() > 500 || !SAFE_URL.matcher(url).matches()) {
      return null;
    }
    return "[" + escape(url) + "](" + url + ")";
  }

  /**
   * One line, at most {@link #MAX_TEXT} characters, Markdown punctuation backslash-escaped, HTML
   * characters as entities, {@code @mentions} broken with a zero-width space.
   */
  static String escape(String text) {
    String line = text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
    if (line.codePointCount(0, line.length()) > MAX_TEXT) {
      line = line.substring(0, line.offsetByCodePoints(0, MAX_TEXT)) + "…";
    }
    StringBuilder out = new StringBuilder(line.length() + 16);
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '@' -> out.append("@\u200b");
        case '\\', '`', '*', '_', '[', ']', '(', ')', '|', '~' -> out.append('\\').append(c);
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
