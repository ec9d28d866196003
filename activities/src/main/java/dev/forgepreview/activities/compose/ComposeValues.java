package dev.forgepreview.activities.compose;

import dev.forgepreview.activities.ssh.SafeNames;
import dev.forgepreview.activities.ssh.SafeNames.InvalidNameException;
import dev.forgepreview.workflows.ComposeNames;
import dev.forgepreview.workflows.PreviewSettings.ComposeHost;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import dev.forgepreview.workflows.activities.ComposeActivities.ComposeTarget;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The values of a compose request, each checked against a strict pattern before anything reaches
 * the host (the scripts quote them anyway). Construction fails with {@link
 * SafeNames.InvalidNameException} naming the field.
 */
record ComposeValues(
    String host,
    int sshPort,
    String sshUser,
    String root,
    String project,
    int port,
    ComposeCommand compose,
    List<String> nginx,
    String nginxDirectory,
    String listenAddress,
    int listenPort,
    Routing routing,
    String memoryLimit,
    String cpus,
    String tlsCertificate,
    String tlsCertificateKey,
    String healthPath,
    Duration build,
    String repositoryUrlTemplate) {

  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_./-]{0,255}");
  private static final Pattern PROJECT =
      Pattern.compile(Pattern.quote(ComposeNames.PROJECT_PREFIX) + "[a-z0-9][a-z0-9-]{0,59}");
  private static final Pattern ARGUMENT = Pattern.compile("[A-Za-z0-9_./=:+-]{1,255}");
  private static final Pattern MEMORY = Pattern.compile("[0-9]{1,6}[bkmg]?");
  private static final Pattern CPUS = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3})?");
  private static final Pattern HEALTH_PATH = Pattern.compile("/[A-Za-z0-9_./?=%-]{0,255}");
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern REPOSITORY =
      Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");
  private static final Pattern URL = Pattern.compile("[A-Za-z0-9_.:/@+~-]{1,512}");
  private static final Pattern ENV_KEY = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");

  static ComposeValues of(ComposeTarget target) {
    ComposeHost h = target.host();
    if (h == null) {
      throw invalid("compose host settings", null);
    }
    List<String> nginx = new ArrayList<>();
    for (String argument :
        h.nginxCommand() == null || h.nginxCommand().isEmpty()
            ? List.of("nginx")
            : h.nginxCommand()) {
      nginx.add(require("nginx command argument", argument, ARGUMENT));
    }
    if (nginx.get(0).startsWith("-")) {
      throw invalid("nginx command", nginx.get(0));
    }
    String certificate =
        h.tlsCertificate() == null ? null : path("TLS certificate", h.tlsCertificate());
    String certificateKey =
        h.tlsCertificateKey() == null ? null : path("TLS certificate key", h.tlsCertificateKey());
    if ((certificate == null) != (certificateKey == null)) {
      throw invalid("TLS certificate and key (give both or neither)", String.valueOf(certificate));
    }
    return new ComposeValues(
        SafeNames.requireHost(h.host()),
        SafeNames.requirePort(h.sshPort() == 0 ? 22 : h.sshPort()),
        SafeNames.requireSshUser(h.sshUser()),
        path("root", h.root()),
        require("compose project", target.project(), PROJECT),
        SafeNames.requirePort(target.port()),
        ComposeCommand.parse(h.composeCommand()),
        List.copyOf(nginx),
        path("nginx configuration directory", h.nginxConfigDirectory()),
        h.listenAddress() == null ? null : SafeNames.requireHost(h.listenAddress()),
        SafeNames.requirePort(h.listenPort() == 0 ? 80 : h.listenPort()),
        h.routing() == null ? Routing.HOST : h.routing(),
        h.memoryLimit() == null ? null : require("memory limit", h.memoryLimit(), MEMORY),
        h.cpus() == null ? null : require("CPU limit", h.cpus(), CPUS),
        certificate,
        certificateKey,
        h.healthPath() == null ? "/" : require("health path", h.healthPath(), HEALTH_PATH),
        duration("build", h.build(), Duration.ofMinutes(30)),
        h.repositoryUrl() == null ? "https://github.com/{repository}.git" : h.repositoryUrl());
  }

  /** The preview's work directory on the host. */
  String directory() {
    return root + "/" + project;
  }

  /** The file holding the claim on the preview's port. */
  String portClaim() {
    return root + "/.ports/" + port;
  }

  /** The preview's nginx file. */
  String nginxFile() {
    return nginxDirectory + "/" + project + ".conf";
  }

  /** The preview's htpasswd file (basic auth), beside its nginx file; not a {@code .conf}. */
  String htpasswdFile() {
    return nginxDirectory + "/" + project + ".htpasswd";
  }

  /** The directory of the port claims. */
  String portClaims() {
    return root + "/.ports";
  }

  String repositoryUrl(String repository) {
    require("repository", repository, REPOSITORY);
    return require(
        "repository URL", repositoryUrlTemplate.replace("{repository}", repository), URL);
  }

  static String sha(String sha) {
    return require("commit sha", sha, SHA);
  }

  /** Environment names checked, values kept as they are (the scripts quote them). */
  static Map<String, String> environment(Map<String, String> environment) {
    Map<String, String> checked = new LinkedHashMap<>();
    if (environment != null) {
      environment.forEach(
          (key, value) -> {
            require("environment name", key, ENV_KEY);
            if (value == null || value.indexOf('\0') >= 0) {
              throw invalid("environment value of " + key, value);
            }
            checked.put(key, value);
          });
    }
    return checked;
  }

  static String path(String what, String value) {
    String path = require(what, value, PATH);
    if (path.contains("/../") || path.endsWith("/..") || path.contains("//")) {
      throw invalid(what, value);
    }
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static Duration duration(String what, String iso, Duration fallback) {
    if (iso == null) {
      return fallback;
    }
    try {
      Duration parsed = Duration.parse(iso);
      if (parsed.isNegative() || parsed.isZero()) {
        throw invalid(what + " limit", iso);
      }
      return parsed;
    } catch (DateTimeParseException e) {
      throw invalid(what + " limit", iso);
    }
  }

  static String require(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw invalid(what, value);
    }
    return value;
  }

  static InvalidNameException invalid(String what, String value) {
    return SafeNames.invalidName(what, value);
  }
}
