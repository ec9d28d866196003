package dev.forgepreview.activities.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forgepreview.workflows.DeployScriptTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered default script, run with {@code sh} in a real git checkout the way Forge runs it on
 * a site: a bare origin with the branch, the site a clone of it, {@code composer} and {@code php}
 * stubbed by tiny scripts on the {@code PATH} that record their arguments.
 */
class DeployScriptTest {
  private static final String BRANCH = "feature/x";

  @TempDir Path dir;
  private Path origin;
  private Path work;
  private Path site;
  private Path stubs;
  private Path calls;
  private String first;
  private String second;

  @BeforeEach
  void repositories() throws Exception {
    origin = dir.resolve("origin.git");
    work = dir.resolve("work");
    site = dir.resolve("home/pr42/pr-42-shop.preview.acme.dev");
    git(dir, "init", "--quiet", "--bare", origin.toString());
    git(dir, "init", "--quiet", "-b", BRANCH, work.toString());
    first = commit("one");
    second = commit("two");
    git(work, "push", "--quiet", origin.toString(), BRANCH);
    Files.createDirectories(site.getParent());
    git(dir, "clone", "--quiet", "--branch", BRANCH, origin.toString(), site.toString());
    stubs = Files.createDirectories(dir.resolve("bin"));
    calls = dir.resolve("calls.log");
    stub("composer");
    stub("php8.3");
  }

  @Test
  void checksOutExactlyThePinnedCommitNotTheBranchHead() throws Exception {
    assertThat(head()).isEqualTo(second);

    Result run = run(render(first, BRANCH));

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(head()).isEqualTo(first);
    assertThat(Files.readAllLines(calls))
        .containsExactly(
            "composer install --no-dev --no-interaction --prefer-dist --optimize-autoloader",
            "php8.3 artisan migrate --force",
            "php8.3 artisan queue:restart");
  }

  @Test
  void fetchesAPinnedCommitPushedAfterTheSiteWasCloned() throws Exception {
    String third = commit("three");
    git(work, "push", "--quiet", origin.toString(), BRANCH);
    // Then a fourth: the branch head moves on after the approval of the third.
    commit("four");
    git(work, "push", "--quiet", origin.toString(), BRANCH);

    Result run = run(render(third, BRANCH));

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(head()).isEqualTo(third);
  }

  @Test
  void aBranchNameFullOfShellMetacharactersRunsNothing() throws Exception {
    String branch =
        "x'; touch pwned1; echo '$(touch pwned2)`touch pwned3`|touch pwned4&&touch pwned5"
            + " \"$(touch pwned6)\" ${IFS}; {touch,pwned7} # '\\'' \\";

    String script = render(first, branch);
    Result run = run(script);

    // The branch does not exist: the fetch of it fails harmlessly and the sha still deploys.
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(head()).isEqualTo(first);
    for (Path where : List.of(dir, site, work)) {
      try (Stream<Path> files = Files.list(where)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .noneMatch(name -> name.startsWith("pwned"));
      }
    }
  }

  @Test
  void aPinnedCommitThatDoesNotExistFailsBeforeAnythingElseRuns() throws Exception {
    Result run = run(render("0123456789abcdef0123456789abcdef01234567", BRANCH));

    assertThat(run.exit()).isNotZero();
    assertThat(head()).isEqualTo(second);
    assertThat(calls).doesNotExist();
  }

  @Test
  void aValueThatIsNotACommitShaIsRefused() {
    assertThatThrownBy(() -> render("HEAD; rm -rf ~", BRANCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("rm -rf");
    assertThatThrownBy(() -> render(first, "a\0b")).isInstanceOf(IllegalArgumentException.class);
    // A line break would end the comment the default script names the branch in.
    assertThatThrownBy(() -> render(first, "x\ntouch pwned"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character");
  }

  @Test
  void aTemplateGetsQuotedValuesAndKeepsEveryOtherBrace() {
    String script =
        DeployScript.render(
            "cd {site_path} && echo {branch} ${HOME} {unknown} && git reset --hard {sha} # {php}",
            "abc1234",
            "it's",
            "/home/pr42/site",
            "php8.3");

    assertThat(script)
        .isEqualTo(
            "cd '/home/pr42/site' && echo 'it'\\''s' ${HOME} {unknown} && git reset --hard"
                + " 'abc1234' # 'php8.3'");
  }

  @Test
  void aTemplateWithoutTheShaIsRefused() {
    assertThat(DeployScriptTemplate.problems("cd {site_path}\ngit pull origin {branch}\n"))
        .singleElement()
        .asString()
        .contains("{sha}");
    assertThat(DeployScriptTemplate.problems(null)).isEmpty();
    assertThat(DeployScriptTemplate.problems(DeployScriptTemplate.DEFAULT)).isEmpty();
  }

  @Test
  void forgePhpVersionsNameTheirCommand() {
    assertThat(DeployScript.phpCommand("php83")).isEqualTo("php8.3");
    assertThat(DeployScript.phpCommand("php74")).isEqualTo("php7.4");
    assertThat(DeployScript.phpCommand("php")).isEqualTo("php");
    assertThat(DeployScript.phpCommand(null)).isEqualTo("php");
    assertThat(DeployScript.sitePath("pr42", "pr-42.example.com"))
        .isEqualTo("/home/pr42/pr-42.example.com");
  }

  private String render(String sha, String branch) {
    return DeployScript.render(null, sha, branch, site.toString(), "php8.3");
  }

  private String commit(String content) throws Exception {
    Files.writeString(work.resolve("file.txt"), content + "\n");
    git(work, "add", "file.txt");
    git(work, "commit", "--quiet", "-m", content);
    return git(work, "rev-parse", "HEAD").output().strip();
  }

  private String head() throws Exception {
    return git(site, "rev-parse", "HEAD").output().strip();
  }

  private void stub(String name) throws IOException {
    Path stub = stubs.resolve(name);
    Files.writeString(stub, "#!/bin/sh\necho \"" + name + " $*\" >> '" + calls + "'\n");
    Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Result run(String script) throws Exception {
    Path file = dir.resolve("deploy.sh");
    Files.writeString(file, script);
    return exec(dir, List.of("sh", file.toString()));
  }

  private Result git(Path cwd, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Result result = exec(cwd, command);
    assertThat(result.exit()).as("git %s: %s", List.of(args), result.output()).isZero();
    return result;
  }

  private Result exec(Path cwd, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
    builder.redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.remove("FORGE_COMPOSER");
    env.put("PATH", stubs == null ? env.get("PATH") : stubs + ":" + env.get("PATH"));
    env.put("HOME", dir.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_AUTHOR_NAME", "Test");
    env.put("GIT_AUTHOR_EMAIL", "test@example.com");
    env.put("GIT_COMMITTER_NAME", "Test");
    env.put("GIT_COMMITTER_EMAIL", "test@example.com");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private record Result(int exit, String output) {}
}
