package dev.forgepreview.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Runs the simulator as its own process until killed.
 *
 * <pre>
 * java -jar forge-simulator-standalone.jar [--port 9090] [--token T] [--manual-clock]
 *     [--rate-limit 60] [--no-retry-after] [--allow-concurrent-deploys] [--seed-server NAME]...
 *     [--server-ready-after PT10M] [--site-install PT30S] [--site-removal PT10S]
 *     [--repository-install PT20S] [--database-install PT5S] [--database-user-install PT5S]
 *     [--worker-install PT5S] [--certificate-install PT30S] [--certificate-activation PT30S]
 *     [--deploy-queue PT2S] [--deploy-duration PT60S] [--deploy-timeout PT10M]
 * </pre>
 *
 * <p>The token may also come from {@code FORGE_SIMULATOR_TOKEN}; without either a random one is
 * generated and printed once. Durations are ISO-8601 or plain seconds.
 */
public final class ForgeSimulatorMain {

  static final String TOKEN_ENV = "FORGE_SIMULATOR_TOKEN";

  private static final Map<String, BiConsumer<SimulatorSettings, Duration>> DURATIONS =
      Map.ofEntries(
          Map.entry("--server-ready-after", SimulatorSettings::serverReadyAfter),
          Map.entry("--site-install", SimulatorSettings::siteInstallDuration),
          Map.entry("--site-removal", SimulatorSettings::siteRemovalDuration),
          Map.entry("--repository-install", SimulatorSettings::repositoryInstallDuration),
          Map.entry("--database-install", SimulatorSettings::databaseInstallDuration),
          Map.entry("--database-user-install", SimulatorSettings::databaseUserInstallDuration),
          Map.entry("--worker-install", SimulatorSettings::workerInstallDuration),
          Map.entry("--certificate-install", SimulatorSettings::certificateInstallDuration),
          Map.entry("--certificate-activation", SimulatorSettings::certificateActivationDuration),
          Map.entry("--deploy-queue", SimulatorSettings::deployQueueDuration),
          Map.entry("--deploy-duration", SimulatorSettings::deployDuration),
          Map.entry("--deploy-timeout", SimulatorSettings::deployTimeout));

  private ForgeSimulatorMain() {}

  public static void main(String[] args) {
    Options options;
    try {
      options = parse(args, System.getenv(TOKEN_ENV));
    } catch (IllegalArgumentException e) {
      System.err.println("forge-simulator: " + e.getMessage());
      usage(System.err);
      System.exit(2);
      return;
    }
    if (options.help()) {
      usage(System.out);
      return;
    }
    ForgeSimulator simulator = options.builder().build().start();
    options.seedServers().forEach(simulator::seedServer);
    Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "forge-simulator-stop"));
    System.out.println(banner(simulator));
  }

  static String banner(ForgeSimulator simulator) {
    String token = simulator.tokenGenerated() ? simulator.token() : "as given";
    return "forge-simulator listening on " + simulator.baseUrl() + " (token " + token + ")";
  }

  record Options(ForgeSimulator.Builder builder, List<String> seedServers, boolean help) {}

  static Options parse(String[] args, String envToken) {
    ForgeSimulator.Builder builder = ForgeSimulator.builder().port(9090);
    SimulatorSettings settings = new SimulatorSettings();
    List<String> seeds = new ArrayList<>();
    boolean help = false;
    boolean tokenGiven = false;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--help", "-h" -> help = true;
        case "--manual-clock" -> builder.clock(new ManualClock());
        case "--no-retry-after" -> settings.sendRetryAfter(false);
        case "--allow-concurrent-deploys" -> settings.rejectConcurrentDeploys(false);
        case "--port" -> builder.port(integer(flag, value(args, ++i, flag)));
        case "--token" -> {
          builder.token(value(args, ++i, flag));
          tokenGiven = true;
        }
        case "--rate-limit" -> settings.rateLimitPerMinute(integer(flag, value(args, ++i, flag)));
        case "--seed-server" -> seeds.add(value(args, ++i, flag));
        default -> {
          BiConsumer<SimulatorSettings, Duration> setter = DURATIONS.get(flag);
          if (setter == null) {
            throw new IllegalArgumentException("unknown option " + flag);
          }
          setter.accept(settings, duration(flag, value(args, ++i, flag)));
        }
      }
    }
    if (!tokenGiven && envToken != null && !envToken.isBlank()) {
      builder.token(envToken);
    }
    builder.settings(settings);
    return new Options(builder, List.copyOf(seeds), help);
  }

  private static String value(String[] args, int index, String flag) {
    if (index >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[index];
  }

  private static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a number, got " + value, e);
    }
  }

  static Duration duration(String flag, String value) {
    try {
      return value.chars().allMatch(Character::isDigit)
          ? Duration.ofSeconds(Long.parseLong(value))
          : Duration.parse(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(flag + " needs a duration like PT30S, got " + value, e);
    }
  }

  private static void usage(PrintStream out) {
    out.println(
        "usage: java -jar forge-simulator-standalone.jar [--port 9090] [--token T]"
            + " [--manual-clock] [--rate-limit 60] [--no-retry-after] [--allow-concurrent-deploys]"
            + " [--seed-server NAME]... "
            + String.join(
                " ", DURATIONS.keySet().stream().sorted().map(f -> "[" + f + " D]").toList()));
    out.println("token also from $" + TOKEN_ENV + "; durations ISO-8601 (PT30S) or seconds.");
  }
}
