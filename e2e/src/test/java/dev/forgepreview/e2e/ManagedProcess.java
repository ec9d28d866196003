package dev.forgepreview.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One OS process of the system under test, its output appended to a log file. */
final class ManagedProcess {
  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private Process process;

  ManagedProcess(String name, List<String> command, Map<String, String> environment, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.log = log;
  }

  synchronized ManagedProcess start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    Files.writeString(
        log,
        "\n==== " + java.time.Instant.now() + " starting " + name + ": " + command + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process = builder.start();
    return this;
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process.pid();
  }

  /** Fails with the log's tail when the process has exited. */
  synchronized void requireAlive() {
    if (!isAlive()) {
      throw new AssertionError(
          name + " exited (code " + process.exitValue() + "); log " + log + ":\n" + tail(40));
    }
  }

  /** SIGTERM to the process and its descendants, then SIGKILL after a grace period. */
  synchronized void stop() {
    if (process == null) {
      return;
    }
    List<ProcessHandle> tree = tree();
    tree.forEach(ProcessHandle::destroy);
    waitFor(tree, 20);
    tree.forEach(ProcessHandle::destroyForcibly);
    waitFor(tree, 10);
  }

  /** SIGKILL, no chance to clean up: the crash a test wants to survive. */
  synchronized void kill() {
    if (process == null) {
      return;
    }
    List<ProcessHandle> tree = tree();
    tree.forEach(ProcessHandle::destroyForcibly);
    waitFor(tree, 10);
  }

  private List<ProcessHandle> tree() {
    List<ProcessHandle> tree = new ArrayList<>();
    process.toHandle().descendants().forEach(tree::add);
    tree.add(process.toHandle());
    return tree;
  }

  private static void waitFor(List<ProcessHandle> handles, int seconds) {
    for (ProcessHandle handle : handles) {
      try {
        handle.onExit().get(seconds, TimeUnit.SECONDS);
      } catch (Exception e) {
        // still alive: the caller escalates
      }
    }
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
