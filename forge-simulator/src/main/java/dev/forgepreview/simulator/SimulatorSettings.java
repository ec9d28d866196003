package dev.forgepreview.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * Timings and policies of the simulator. Mutable and thread-safe: a change applies to resources
 * created afterwards (each resource fixes its deadlines when it is created). Setters return {@code
 * this} so settings can be chained.
 *
 * <p>Durations the Forge sources give are marked; the others are inferred.
 */
public final class SimulatorSettings {

  private volatile Duration serverReadyAfter = Duration.ofMinutes(10);
  private volatile Duration siteInstallDuration = Duration.ofSeconds(30);
  private volatile Duration siteRemovalDuration = Duration.ofSeconds(10);
  private volatile Duration repositoryInstallDuration = Duration.ofSeconds(20);
  private volatile Duration databaseInstallDuration = Duration.ofSeconds(5);
  private volatile Duration databaseUserInstallDuration = Duration.ofSeconds(5);
  private volatile Duration workerInstallDuration = Duration.ofSeconds(5);
  private volatile Duration certificateInstallDuration = Duration.ofSeconds(30);
  private volatile Duration certificateActivationDuration = Duration.ofSeconds(30);
  private volatile Duration deployQueueDuration = Duration.ofSeconds(2);
  private volatile Duration deployDuration = Duration.ofSeconds(60);
  private volatile Duration deployTimeout = Duration.ofMinutes(10);
  private volatile Duration siteCommandQueueDuration = Duration.ofSeconds(2);
  private volatile Duration siteCommandDuration = Duration.ofSeconds(10);
  private volatile int rateLimitPerMinute = 60;
  private volatile boolean sendRetryAfter = true;
  private volatile boolean rejectConcurrentDeploys = true;
  private volatile boolean quickDeployOnInstall = false;

  /** Settings with the defaults. */
  public SimulatorSettings() {}

  /** A copy of {@code other}. */
  public static SimulatorSettings copyOf(SimulatorSettings other) {
    SimulatorSettings copy = new SimulatorSettings();
    copy.copyFrom(other);
    return copy;
  }

  /** Overwrites every setting with the value in {@code other}. */
  public synchronized SimulatorSettings copyFrom(SimulatorSettings other) {
    serverReadyAfter = other.serverReadyAfter;
    siteInstallDuration = other.siteInstallDuration;
    siteRemovalDuration = other.siteRemovalDuration;
    repositoryInstallDuration = other.repositoryInstallDuration;
    databaseInstallDuration = other.databaseInstallDuration;
    databaseUserInstallDuration = other.databaseUserInstallDuration;
    workerInstallDuration = other.workerInstallDuration;
    certificateInstallDuration = other.certificateInstallDuration;
    certificateActivationDuration = other.certificateActivationDuration;
    deployQueueDuration = other.deployQueueDuration;
    deployDuration = other.deployDuration;
    deployTimeout = other.deployTimeout;
    siteCommandQueueDuration = other.siteCommandQueueDuration;
    siteCommandDuration = other.siteCommandDuration;
    rateLimitPerMinute = other.rateLimitPerMinute;
    sendRetryAfter = other.sendRetryAfter;
    rejectConcurrentDeploys = other.rejectConcurrentDeploys;
    quickDeployOnInstall = other.quickDeployOnInstall;
    return this;
  }

  /** How long a new server stays {@code is_ready: false} (DOCS: about 10 minutes). */
  public Duration serverReadyAfter() {
    return serverReadyAfter;
  }

  public SimulatorSettings serverReadyAfter(Duration value) {
    serverReadyAfter = checked(value);
    return this;
  }

  /** How long a new site stays {@code installing}. */
  public Duration siteInstallDuration() {
    return siteInstallDuration;
  }

  public SimulatorSettings siteInstallDuration(Duration value) {
    siteInstallDuration = checked(value);
    return this;
  }

  /** How long a deleted site lists as {@code removing} before it disappears. */
  public Duration siteRemovalDuration() {
    return siteRemovalDuration;
  }

  public SimulatorSettings siteRemovalDuration(Duration value) {
    siteRemovalDuration = checked(value);
    return this;
  }

  /** How long {@code repository_status} stays {@code installing} after a git install. */
  public Duration repositoryInstallDuration() {
    return repositoryInstallDuration;
  }

  public SimulatorSettings repositoryInstallDuration(Duration value) {
    repositoryInstallDuration = checked(value);
    return this;
  }

  /** How long a new database stays {@code installing}. */
  public Duration databaseInstallDuration() {
    return databaseInstallDuration;
  }

  public SimulatorSettings databaseInstallDuration(Duration value) {
    databaseInstallDuration = checked(value);
    return this;
  }

  /** How long a new database user stays {@code installing}. */
  public Duration databaseUserInstallDuration() {
    return databaseUserInstallDuration;
  }

  public SimulatorSettings databaseUserInstallDuration(Duration value) {
    databaseUserInstallDuration = checked(value);
    return this;
  }

  /** How long a new worker stays {@code installing}. */
  public Duration workerInstallDuration() {
    return workerInstallDuration;
  }

  public SimulatorSettings workerInstallDuration(Duration value) {
    workerInstallDuration = checked(value);
    return this;
  }

  /** How long a Let's Encrypt certificate stays {@code installing} (request phase). */
  public Duration certificateInstallDuration() {
    return certificateInstallDuration;
  }

  public SimulatorSettings certificateInstallDuration(Duration value) {
    certificateInstallDuration = checked(value);
    return this;
  }

  /** How long an installed Let's Encrypt certificate stays {@code activating}. */
  public Duration certificateActivationDuration() {
    return certificateActivationDuration;
  }

  public SimulatorSettings certificateActivationDuration(Duration value) {
    certificateActivationDuration = checked(value);
    return this;
  }

  /** How long a new site command stays {@code waiting} (inferred). */
  public Duration siteCommandQueueDuration() {
    return siteCommandQueueDuration;
  }

  public SimulatorSettings siteCommandQueueDuration(Duration value) {
    siteCommandQueueDuration = checked(value);
    return this;
  }

  /** How long a site command stays {@code running} (inferred). */
  public Duration siteCommandDuration() {
    return siteCommandDuration;
  }

  public SimulatorSettings siteCommandDuration(Duration value) {
    siteCommandDuration = checked(value);
    return this;
  }

  /** How long a deploy request keeps the site's {@code deployment_status} at {@code queued}. */
  public Duration deployQueueDuration() {
    return deployQueueDuration;
  }

  public SimulatorSettings deployQueueDuration(Duration value) {
    deployQueueDuration = checked(value);
    return this;
  }

  /** How long a deployment runs ({@code deploying}) after leaving the queue. */
  public Duration deployDuration() {
    return deployDuration;
  }

  public SimulatorSettings deployDuration(Duration value) {
    deployDuration = checked(value);
    return this;
  }

  /** Forge fails a deployment running longer than this (DEP: 10 minutes). */
  public Duration deployTimeout() {
    return deployTimeout;
  }

  public SimulatorSettings deployTimeout(Duration value) {
    deployTimeout = checked(value);
    return this;
  }

  /** Requests per sliding minute per token (RL: 60); 0 turns the limit off. */
  public int rateLimitPerMinute() {
    return rateLimitPerMinute;
  }

  public SimulatorSettings rateLimitPerMinute(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("rate limit must be >= 0: " + value);
    }
    rateLimitPerMinute = value;
    return this;
  }

  /**
   * Whether a 429 carries {@code Retry-After} seconds. Inferred: no Forge source mentions it, but
   * Laravel's throttle middleware sends it.
   */
  public boolean sendRetryAfter() {
    return sendRetryAfter;
  }

  public SimulatorSettings sendRetryAfter(boolean value) {
    sendRetryAfter = value;
    return this;
  }

  /**
   * Whether a deploy while another runs is answered 400 {@code This site is already deploying.}
   * (inferred from forge-cli, which refuses on its side); when false, the new deploy is queued
   * after the running one.
   */
  public boolean rejectConcurrentDeploys() {
    return rejectConcurrentDeploys;
  }

  public SimulatorSettings rejectConcurrentDeploys(boolean value) {
    rejectConcurrentDeploys = value;
    return this;
  }

  /**
   * Whether installing a repository turns quick deploy (push to deploy) on, as Forge's site
   * creation offers by default in its newer UI (inferred; the v1 API documents no default). Off by
   * default.
   */
  public boolean quickDeployOnInstall() {
    return quickDeployOnInstall;
  }

  public SimulatorSettings quickDeployOnInstall(boolean value) {
    quickDeployOnInstall = value;
    return this;
  }

  private static Duration checked(Duration value) {
    Objects.requireNonNull(value, "duration");
    if (value.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative: " + value);
    }
    return value;
  }
}
