package dev.forgepreview.activities.compose;

import static dev.forgepreview.activities.ssh.SafeNames.shellQuote;

import dev.forgepreview.activities.github.PreviewFile;
import dev.forgepreview.workflows.PreviewSettings.Routing;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The POSIX shell scripts the compose activities run on the host, and the files they write. Every
 * value is quoted with {@link dev.forgepreview.activities.ssh.SafeNames#shellQuote}; files travel
 * on standard input, never inside the command. Exit statuses below 10 that a script chooses itself
 * carry a meaning ({@link #PORT_TAKEN}, ...); anything else is the failure of a command.
 */
final class ComposeScripts {
  static final int PORT_TAKEN = 3;
  static final int BUILD_FAILED = 5;
  static final int NO_COMPOSE = 6;
  static final int NGINX_REFUSED = 7;
  static final int LOCK_TIMEOUT = 8;

  /** The repository's own compose file, relative to its checkout. */
  static final String REPOSITORY_FILE = "docker-compose.preview.yml";

  /** Our label on the generated compose file's services. */
  static final String LABEL = "dev.forgepreview.preview";

  private ComposeScripts() {}

  private static String header(ComposeValues v) {
    return "set -eu\n"
        + "umask 077\n"
        + "dir="
        + shellQuote(v.directory())
        + "\n"
        + "project="
        + shellQuote(v.project())
        + "\n";
  }

  /** Step 2: work directory, port claim, clone or fetch, hard reset to the sha. */
  static String checkout(ComposeValues v, String url, String sha) {
    return header(v)
        + "claim="
        + shellQuote(v.portClaim())
        + "\n"
        + "mkdir -p \"$dir\" \"${claim%/*}\"\n"
        + "if ! ( set -C; printf '%s\\n' \"$project\" > \"$claim\" ) 2>/dev/null; then\n"
        + "  holder=$(cat \"$claim\" 2>/dev/null || true)\n"
        + "  if [ \"$holder\" != \"$project\" ]; then\n"
        + "    echo \"port "
        + v.port()
        + " is held by $holder\" >&2; exit "
        + PORT_TAKEN
        + "\n"
        + "  fi\n"
        + "fi\n"
        + "if [ ! -d \"$dir/src/.git\" ]; then\n"
        + "  rm -rf \"$dir/src.partial\"\n"
        + "  git clone --quiet --no-checkout -- "
        + shellQuote(url)
        + " \"$dir/src.partial\"\n"
        + "  mv \"$dir/src.partial\" \"$dir/src\"\n"
        + "fi\n"
        + "cd \"$dir/src\"\n"
        + "git remote set-url origin "
        + shellQuote(url)
        + "\n"
        + "git fetch --quiet origin '+refs/heads/*:refs/remotes/origin/*'\n"
        + "git cat-file -e "
        + shellQuote(sha + "^{commit}")
        + " 2>/dev/null || git fetch --quiet origin "
        + shellQuote(sha)
        + "\n"
        + "git checkout --quiet --force --detach "
        + shellQuote(sha)
        + "\n"
        + "git reset --quiet --hard "
        + shellQuote(sha)
        + "\n"
        + "git clean -qffdx\n"
        + "git rev-parse HEAD\n";
  }

  /**
   * Step 3, first half: prints what the checkout holds, in this order: {@code repository} (its own
   * {@code docker-compose.preview.yml}), {@code dockerfile}, {@code nestjs} or {@code node} (a
   * {@code package.json}), {@code go} (a {@code go.mod}), {@code none}.
   */
  static String detect(ComposeValues v) {
    return header(v)
        + "src=\"$dir/src\"\n"
        + "if [ -f \"$src/"
        + REPOSITORY_FILE
        + "\" ]; then echo repository\n"
        + "elif [ -f \"$src/Dockerfile\" ]; then echo dockerfile\n"
        + "elif [ -f \"$src/package.json\" ]; then\n"
        + "  if grep -q '\"@nestjs/core\"' \"$src/package.json\"; then echo nestjs; else echo node; fi\n"
        + "elif [ -f \"$src/go.mod\" ]; then echo go\n"
        + "else echo none\n"
        + "fi\n";
  }

  /**
   * Step 3, second half: writes the generated compose file from stdin and, for a template, the
   * generated Dockerfile (fixed text of ours, quoted); prints the compose file's path.
   */
  static String writeGenerated(ComposeValues v, ComposeTemplates.Framework framework) {
    String dockerfile = framework.dockerfile();
    return header(v)
        + "cat > \"$dir/docker-compose.yml.partial\"\n"
        + (dockerfile == null
            ? ""
            : "printf '%s' "
                + shellQuote(dockerfile)
                + " > \"$dir/src/"
                + ComposeTemplates.DOCKERFILE
                + "\"\n")
        + "mv \"$dir/docker-compose.yml.partial\" \"$dir/docker-compose.yml\"\n"
        + "printf '%s\\n' \"$dir/docker-compose.yml\"\n";
  }

  /**
   * The compose file generated for a repository without its own: the build (its {@code Dockerfile},
   * or the template's), host networking (the app listens on {@code PORT}), the environment, limits
   * and our label. Strings are JSON-quoted (valid YAML) with {@code $} doubled so compose does not
   * interpolate them.
   */
  static String composeFile(
      ComposeValues v, Map<String, String> environment, ComposeTemplates.Framework framework) {
    return composeFile(v, environment, framework, Map.of());
  }

  /**
   * As {@link #composeFile(ComposeValues, Map, ComposeTemplates.Framework)}, with the preview
   * file's extra services after the app: each with its build directory ({@code ./src/{build}}) or
   * local image, its command as a list of arguments (no shell), its own environment only, and the
   * app's network mode, restart policy, label and limits. Nothing else of a service reaches the
   * file.
   */
  static String composeFile(
      ComposeValues v,
      Map<String, String> environment,
      ComposeTemplates.Framework framework,
      Map<String, PreviewFile.Service> services) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("# generated by forge-preview for ").append(v.project()).append('\n');
    yaml.append("version: \"2.4\"\nservices:\n  app:\n");
    if (framework.dockerfile() == null) {
      yaml.append("    build: ./src\n");
    } else {
      yaml.append("    build:\n      context: ./src\n      dockerfile: ")
          .append(yamlString(ComposeTemplates.DOCKERFILE))
          .append('\n');
    }
    yaml.append("    network_mode: host\n    restart: unless-stopped\n");
    yaml.append("    environment:\n");
    appEnvironment(v, environment)
        .forEach(
            (key, value) ->
                yaml.append("      ")
                    .append(key)
                    .append(": ")
                    .append(yamlString(value))
                    .append('\n'));
    yaml.append("    labels:\n      ")
        .append(LABEL)
        .append(": ")
        .append(yamlString(v.project()))
        .append('\n');
    limits(v, yaml);
    services.forEach((name, service) -> service(v, yaml, name, service));
    return yaml.toString();
  }

  private static void service(
      ComposeValues v, StringBuilder yaml, String name, PreviewFile.Service service) {
    yaml.append("  ").append(name).append(":\n");
    if (service.build() != null) {
      yaml.append("    build: ").append(yamlString("./src/" + service.build())).append('\n');
    } else {
      yaml.append("    image: ").append(yamlString(service.image())).append('\n');
    }
    if (service.command() != null) {
      yaml.append("    command:\n");
      service
          .command()
          .forEach(arg -> yaml.append("      - ").append(yamlString(arg)).append('\n'));
    }
    yaml.append("    network_mode: host\n    restart: unless-stopped\n");
    if (!service.environment().isEmpty()) {
      yaml.append("    environment:\n");
      service
          .environment()
          .forEach(
              (key, value) ->
                  yaml.append("      ")
                      .append(key)
                      .append(": ")
                      .append(yamlString(value))
                      .append('\n'));
    }
    yaml.append("    labels:\n      ")
        .append(LABEL)
        .append(": ")
        .append(yamlString(v.project()))
        .append('\n');
    limits(v, yaml);
  }

  private static void limits(ComposeValues v, StringBuilder yaml) {
    if (v.memoryLimit() != null) {
      yaml.append("    mem_limit: ").append(yamlString(v.memoryLimit())).append('\n');
    }
    if (v.cpus() != null) {
      yaml.append("    cpus: ").append(v.cpus()).append('\n');
    }
  }

  /** What the app gets: the configured environment, then {@code PORT} (ours wins). */
  static Map<String, String> appEnvironment(ComposeValues v, Map<String, String> environment) {
    Map<String, String> all = new java.util.LinkedHashMap<>(environment);
    all.put("PORT", Integer.toString(v.port()));
    return all;
  }

  /**
   * The variables the compose command runs with, as shell assignments; written to a {@code 0600}
   * file through stdin so that no value (a secret from {@code ${env:}}) is on a command line.
   */
  static String environmentFile(ComposeValues v, Map<String, String> environment) {
    return appEnvironment(v, environment).entrySet().stream()
        .map(e -> "export " + shellQuote(e.getKey() + "=" + e.getValue()) + "\n")
        .collect(Collectors.joining());
  }

  /** The compose command line of {@code up}, as the host's shell receives it. */
  static String upCommand(ComposeValues v, String composeFile) {
    return "( . \"$dir/preview.env\"; "
        + v.compose().buildAndUp(composeLine(v, composeFile))
        + " )";
  }

  /** {@code docker compose -p P -f F} or {@code docker-compose -p P -f F}, as configured. */
  static String composeLine(ComposeValues v, String composeFile) {
    String program =
        switch (v.compose()) {
          case V2 -> "docker compose";
          case V1 -> "docker-compose";
          case AUTO -> "compose";
        };
    return program + " -p " + shellQuote(v.project()) + " -f " + shellQuote(composeFile);
  }

  /**
   * Step 4: waits for the preview's lock, then builds and starts. Every attempt appends to {@code
   * build.log} under a header line (a retry after a crash keeps the first attempt's log); a failure
   * carries the end of its own attempt. After an update, the project's image it replaced (now
   * without a name) is removed.
   */
  static String up(ComposeValues v, String composeFile) {
    return header(v)
        + v.compose().shellFunction()
        + lock(v)
        + "cd \"$dir\"\n"
        + "cat > \"$dir/preview.env\"\n"
        + "printf '=== forge-preview: build and start at %s\\n' \"$(date -u +%FT%TZ)\" >> \"$dir/build.log\"\n"
        + "start=$(wc -c < \"$dir/build.log\")\n"
        + "images() { docker images -q --filter \"reference=${project}_*\""
        + " --filter \"reference=${project}-*\" 2>/dev/null | sort -u; }\n"
        + "before=$(images)\n"
        + "if "
        + upCommand(v, composeFile)
        + " >> \"$dir/build.log\" 2>&1; then\n"
        // The image an update replaced lost its name: removed, or every update would leave one.
        + "  after=$(images)\n"
        + "  for id in $before; do\n"
        + "    case \" $(echo $after) \" in *\" $id \"*) ;; *) docker rmi \"$id\" >/dev/null 2>&1 || true ;; esac\n"
        + "  done\n"
        + "  exit 0\n"
        + "fi\n"
        + "tail -c +$((start + 1)) \"$dir/build.log\" | tail -c 3000 >&2\n"
        + "exit "
        + BUILD_FAILED
        + "\n";
  }

  /** Takes the preview's lock on file descriptor 9, waiting at most the build limit. */
  private static String lock(ComposeValues v) {
    return "mkdir -p \"${dir%/*}\"\n"
        + "exec 9>>\"$dir.lock\"\n"
        + "flock -w "
        + Math.max(1, v.build().toSeconds())
        + " 9 || { echo 'another build of '\"$project\"' is still running' >&2; exit "
        + LOCK_TIMEOUT
        + "; }\n";
  }

  /** Step 5: the HTTP status of the app's port, {@code 000} when nothing answers. */
  static String health(ComposeValues v) {
    return "curl -s -o /dev/null -w '%{http_code}' --max-time 5 "
        + shellQuote("http://127.0.0.1:" + v.port() + v.healthPath())
        + " || true\n";
  }

  /** Step 6: installs the file from stdin, tests nginx, removes it again when refused, reloads. */
  static String publishNginx(ComposeValues v) {
    String nginx = nginx(v);
    return "set -u\n"
        + "file="
        + shellQuote(v.nginxFile())
        + "\n"
        + "cat > \"$file.partial\" || exit 1\n"
        + "mv \"$file.partial\" \"$file\" || exit 1\n"
        + "if ! out=$("
        + nginx
        + " -t 2>&1); then\n"
        + "  rm -f \"$file\"\n"
        + "  printf '%s\\n' \"$out\" | tail -n 5 >&2\n"
        + "  exit "
        + NGINX_REFUSED
        + "\n"
        + "fi\n"
        + nginx
        + " -s reload\n";
  }

  /**
   * Step 6 with basic auth, before the nginx file: the htpasswd file from stdin, replaced
   * atomically, readable by nginx's workers (they read it on every request; it holds the hash, not
   * the password).
   */
  static String writeHtpasswd(ComposeValues v) {
    return "set -eu\n"
        + "file="
        + shellQuote(v.htpasswdFile())
        + "\n"
        + "umask 022\n"
        + "cat > \"$file.partial\"\n"
        + "chmod 644 \"$file.partial\"\n"
        + "mv \"$file.partial\" \"$file\"\n";
  }

  /**
   * Compensation of step 6: removes the file and reloads, or does nothing when it is gone; the
   * htpasswd file goes after the reload (nginx no longer asks for it).
   */
  static String removeNginx(ComposeValues v) {
    String nginx = nginx(v);
    return "set -eu\n"
        + "file="
        + shellQuote(v.nginxFile())
        + "\n"
        + "users="
        + shellQuote(v.htpasswdFile())
        + "\n"
        + "rm -f \"$file.partial\" \"$users.partial\"\n"
        + "if [ -e \"$file\" ]; then\n"
        + "  rm -f \"$file\"\n"
        + "  "
        + nginx
        + " -t\n"
        + "  "
        + nginx
        + " -s reload\n"
        + "fi\n"
        + "rm -f \"$users\"\n";
  }

  /** The nginx file: a server block ({@code HOST}) or a location block ({@code PATH}). */
  static String nginxSite(ComposeValues v, String domain, String pathPrefix) {
    return nginxSite(v, domain, pathPrefix, false);
  }

  /**
   * As {@link #nginxSite(ComposeValues, String, String)}; {@code protect}: the location asks for
   * basic auth against the preview's htpasswd file ({@link #writeHtpasswd}).
   */
  static String nginxSite(ComposeValues v, String domain, String pathPrefix, boolean protect) {
    String upstream = "http://127.0.0.1:" + v.port();
    String auth =
        protect
            ? "        auth_basic \"forge-preview "
                + v.project()
                + "\";\n"
                + "        auth_basic_user_file "
                + v.htpasswdFile()
                + ";\n"
            : "";
    String proxy =
        auth
            + "        proxy_set_header Host $host;\n"
            + "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            + "        proxy_set_header X-Forwarded-Proto $scheme;\n"
            + "        proxy_http_version 1.1;\n";
    String header = "# forge-preview " + v.project() + ": removed with the preview\n";
    if (v.routing() == Routing.PATH) {
      return header
          + "location "
          + pathPrefix
          + " {\n"
          + "        proxy_pass "
          + upstream
          + "/;\n"
          + proxy
          + "}\n";
    }
    StringBuilder server = new StringBuilder(header).append("server {\n");
    String listen = (v.listenAddress() == null ? "" : v.listenAddress() + ":") + v.listenPort();
    if (v.tlsCertificate() != null) {
      server.append("    listen ").append(listen).append(" ssl;\n");
      server.append("    ssl_certificate ").append(v.tlsCertificate()).append(";\n");
      server.append("    ssl_certificate_key ").append(v.tlsCertificateKey()).append(";\n");
    } else {
      server.append("    listen ").append(listen).append(";\n");
    }
    server.append("    server_name ").append(domain).append(";\n");
    server.append("    location / {\n        proxy_pass ").append(upstream).append(";\n");
    return server.append(proxy).append("    }\n}\n").toString();
  }

  /** Compensation of step 4: down under the lock, then whatever still carries the project. */
  static String down(ComposeValues v) {
    String filter = shellQuote("label=com.docker.compose.project=" + v.project());
    return header(v)
        + v.compose().shellFunction()
        + lock(v)
        + "file=\n"
        + "if [ -f \"$dir/src/"
        + REPOSITORY_FILE
        + "\" ]; then file=\"$dir/src/"
        + REPOSITORY_FILE
        + "\"; elif [ -f \"$dir/docker-compose.yml\" ]; then file=\"$dir/docker-compose.yml\"; fi\n"
        + "if [ -n \"$file\" ]; then\n"
        + "  "
        + composeLine(v, "PLACEHOLDER").replace("'PLACEHOLDER'", "\"$file\"")
        + " down -v --remove-orphans --rmi local\n"
        + "fi\n"
        + "ids=$(docker ps -aq --filter "
        + filter
        + ")\n"
        + "if [ -n \"$ids\" ]; then docker rm -f $ids >/dev/null; fi\n"
        + "volumes=$(docker volume ls -q --filter "
        + filter
        + ")\n"
        + "if [ -n \"$volumes\" ]; then docker volume rm $volumes >/dev/null; fi\n";
  }

  /**
   * Compensation of step 2: the work directory, its lock and every port claim the project holds
   * (whatever port it was given: the cleanup does not know which).
   */
  static String removeWorkDirectory(ComposeValues v) {
    return header(v)
        + "claims="
        + shellQuote(v.portClaims())
        + "\n"
        + "rm -rf -- \"$dir\" \"$dir.lock\"\n"
        + "for claim in \"$claims\"/*; do\n"
        + "  [ -f \"$claim\" ] || continue\n"
        + "  if [ \"$(cat \"$claim\" 2>/dev/null || true)\" = \"$project\" ]; then rm -f \"$claim\"; fi\n"
        + "done\n";
  }

  /**
   * The cleanup's inventory: one line {@code project age} per project of ours, from the containers'
   * compose label (age -1), the work directories, the nginx files and the htpasswd files (age from
   * their mtime).
   */
  static String listProjects(ComposeValues v) {
    String prefix = dev.forgepreview.workflows.ComposeNames.PROJECT_PREFIX;
    return "set -u\n"
        + "now=$(date +%s)\n"
        + "docker ps -a --filter label=com.docker.compose.project"
        + " --format '{{.Label \"com.docker.compose.project\"}}' 2>/dev/null"
        + " | grep '^"
        + prefix
        + "' | sed 's/$/ -1/'\n"
        + "for f in "
        + shellQuote(v.root())
        + "/"
        + prefix
        + "* "
        + shellQuote(v.nginxDirectory())
        + "/"
        + prefix
        + "*.conf "
        + shellQuote(v.nginxDirectory())
        + "/"
        + prefix
        + "*.htpasswd; do\n"
        + "  [ -e \"$f\" ] || continue\n"
        + "  case \"$f\" in *.lock|*.partial) continue ;; esac\n"
        + "  name=${f##*/}; name=${name%.conf}; name=${name%.htpasswd}\n"
        + "  echo \"$name $(( now - $(stat -c %Y \"$f\") ))\"\n"
        + "done\n"
        + "exit 0\n";
  }

  private static String nginx(ComposeValues v) {
    return v.nginx().stream()
        .map(dev.forgepreview.activities.ssh.SafeNames::shellQuote)
        .collect(Collectors.joining(" "));
  }

  /** A YAML double-quoted scalar (JSON's escaping), with {@code $} doubled for compose. */
  static String yamlString(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.replace("$", "$$").toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
