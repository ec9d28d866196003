package dev.forgepreview.worker;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A workflow's whole history as text, every payload decoded, for searching it for secrets. */
final class HistoryText {
  private static final Pattern DATA = Pattern.compile("\"data\": ?\"([A-Za-z0-9+/=]*)\"");

  private HistoryText() {}

  static String of(TestWorkflowEnvironment env, String workflowId) {
    String json =
        env.getWorkflowExecutionHistory(
                WorkflowExecution.newBuilder().setWorkflowId(workflowId).build())
            .toJson(false);
    StringBuilder text = new StringBuilder(json);
    Matcher matcher = DATA.matcher(json);
    while (matcher.find()) {
      text.append('\n')
          .append(new String(Base64.getDecoder().decode(matcher.group(1)), StandardCharsets.UTF_8));
    }
    return text.toString();
  }
}
