package dev.forgepreview.worker;

import dev.forgepreview.activities.forge.ForgeActivitiesImpl;
import dev.forgepreview.activities.forge.ForgeClient;
import dev.forgepreview.activities.forge.ForgeClientConfig;
import dev.forgepreview.activities.forge.PreviewFileValues;
import dev.forgepreview.activities.forge.SiteAccessActivitiesImpl;
import dev.forgepreview.activities.github.GitHubActivitiesImpl;
import dev.forgepreview.activities.github.GitHubClient;
import dev.forgepreview.activities.github.GitHubConfig;
import dev.forgepreview.activities.github.GitHubCredentials;
import dev.forgepreview.activities.github.LoggingGitHubActivities;
import dev.forgepreview.activities.github.PreviewFiles;
import dev.forgepreview.activities.health.HealthActivitiesImpl;
import dev.forgepreview.activities.notify.NotificationActivitiesImpl;
import dev.forgepreview.activities.secrets.BasicAuthCredentials;
import dev.forgepreview.activities.secrets.PreviewSecrets;
import dev.forgepreview.activities.secrets.WildcardCertificates;
import dev.forgepreview.settings.RepositorySettings;
import dev.forgepreview.workflows.AdmissionActivitiesImpl;
import dev.forgepreview.workflows.AdmissionWorkflowImpl;
import dev.forgepreview.workflows.MasterSnapshotWorkflowImpl;
import dev.forgepreview.workflows.PreviewCleanupWorkflow.CleanupRequest;
import dev.forgepreview.workflows.PreviewCleanupWorkflowImpl;
import dev.forgepreview.workflows.PreviewEnvironmentWorkflowImpl;
import dev.forgepreview.workflows.PreviewIds;
import dev.forgepreview.workflows.activities.DatabaseCloneActivities;
import dev.forgepreview.workflows.activities.GitHubActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process: connects to Temporal, registers the workflows and activities on their task
 * queues, installs the cleanup schedule, and shuts down gracefully.
 */
public final class PreviewWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PreviewWorker.class);
  private final WorkerConfig config;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final WorkerFactory factory;
  private final CleanupSchedule cleanup;
  private final WorkerMetrics metrics;

  private PreviewWorker(
      WorkerConfig config, DatabaseCloneActivities databaseClone, WorkerMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.service =
        WorkflowServiceStubs.newServiceStubs(
            config
                .temporalTls()
                .apply(
                    WorkflowServiceStubsOptions.newBuilder()
                        .setTarget(config.temporalAddress())
                        .setMetricsScope(metrics.temporalScope()))
                .build());
    this.client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(config.temporalNamespace()).build());
    this.factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(new ActivityLogContext(), metrics.activityInterceptor())
                .build());

    PreviewSecrets secrets = PreviewSecrets.fromString(config.previewSecretKey());
    BasicAuthCredentials basicAuth =
        basicAuthCredentials(secrets, config.env().asMap(), () -> config.repositories().get());
    Optional<GitHubClient> gitHubClient = gitHubClient(config);
    Worker main = factory.newWorker(PreviewIds.TASK_QUEUE);
    main.registerWorkflowImplementationTypes(
        PreviewEnvironmentWorkflowImpl.class,
        PreviewCleanupWorkflowImpl.class,
        AdmissionWorkflowImpl.class,
        MasterSnapshotWorkflowImpl.class);
    main.registerActivitiesImplementations(
        databaseClone,
        ComposeWiring.fromEnvironment(
            config.env(),
            repository -> config.repositories().get().environment(repository).orElse(null),
            basicAuth,
            gitHubClient.map(PreviewFiles::new).orElse(null)),
        github(gitHubClient),
        new HealthActivitiesImpl(basicAuth),
        new SettingsActivitiesImpl(config.repositories()),
        new CleanupActivitiesImpl(client),
        new NotificationActivitiesImpl(
            repository -> config.repositories().get().notificationUrl(repository, config.env())),
        new AdmissionActivitiesImpl(client));

    // Forge allows 60 requests a minute per token: the cap holds across every worker polling
    // this task queue, because the server enforces it per task queue.
    Worker forge =
        factory.newWorker(
            PreviewIds.FORGE_TASK_QUEUE,
            WorkerOptions.newBuilder()
                .setMaxTaskQueueActivitiesPerSecond(config.forgeRequestsPerMinute() / 60.0)
                .build());
    ForgeClient forgeClient =
        new ForgeClient(
            ForgeClientConfig.of(config.forgeApiUrl(), config.forgeApiToken()),
            Clock.systemUTC(),
            metrics.forgeCalls());
    forge.registerActivitiesImplementations(
        new SiteAccessActivitiesImpl(
            forgeClient,
            basicAuth,
            new WildcardCertificates(
                repository ->
                    config
                        .repositories()
                        .get()
                        .find(repository)
                        .map(found -> Optional.ofNullable(found.wildcardCertificate()))
                        .orElse(null),
                name -> previewVisible(name) ? config.env().asMap().get(name) : null)),
        new ForgeActivitiesImpl(
            forgeClient,
            secrets,
            name -> previewVisible(name) ? config.env().asMap().get(name) : null,
            repository -> config.repositories().get().environment(repository).orElse(null),
            repository ->
                config
                    .repositories()
                    .get()
                    .find(repository)
                    .map(settings -> Optional.ofNullable(settings.deployScript()))
                    .orElse(null),
            gitHubClient.<PreviewFileValues>map(PreviewFiles::new).orElse(PreviewFileValues.NONE)));

    this.cleanup =
        new CleanupSchedule(
            service,
            client,
            config.temporalNamespace(),
            config.cleanupInterval(),
            new CleanupRequest(config.cleanupDryRun(), config.cleanupOrphanGrace().toString()));
  }

  public static PreviewWorker start(WorkerConfig config, DatabaseCloneActivities databaseClone) {
    return start(config, databaseClone, new WorkerMetrics());
  }

  public static PreviewWorker start(
      WorkerConfig config, DatabaseCloneActivities databaseClone, WorkerMetrics metrics) {
    PreviewWorker worker = new PreviewWorker(config, databaseClone, metrics);
    worker.factory.start();
    log.info(
        "worker polling {} and {} on {} (namespace {}), Forge at {}",
        PreviewIds.TASK_QUEUE,
        PreviewIds.FORGE_TASK_QUEUE,
        config.temporalAddress(),
        config.temporalNamespace(),
        config.forgeApiUrl());
    worker.cleanup.install();
    new SnapshotSchedules(
            ScheduleClient.newInstance(
                worker.service,
                ScheduleClientOptions.newBuilder()
                    .setNamespace(config.temporalNamespace())
                    .build()))
        .install(config.repositories().get().all());
    config.repositories().watch(config.repositoriesReloadInterval());
    metrics.startPolling(
        worker.client,
        ScheduleClient.newInstance(
            worker.service,
            ScheduleClientOptions.newBuilder().setNamespace(config.temporalNamespace()).build()),
        config.env().duration("METRICS_VISIBILITY_INTERVAL", Duration.ofSeconds(30)),
        Clock.systemUTC());
    return worker;
  }

  /**
   * The previews' basic auth as the worker works it out, for the worker's activities and the
   * operators' CLI alike: {@code basicAuth} from the current repositories file, {@code ${env:NAME}}
   * from {@code env} (never one of the worker's own secrets), else derived from the preview id.
   */
  public static BasicAuthCredentials basicAuthCredentials(
      PreviewSecrets secrets, Map<String, String> env, Supplier<RepositorySettings> settings) {
    return new BasicAuthCredentials(
        secrets,
        name -> previewVisible(name) ? env.get(name) : null,
        repository ->
            settings
                .get()
                .find(repository)
                .map(found -> Optional.ofNullable(found.basicAuth()))
                .orElse(null));
  }

  /**
   * Whether {@code ${env:NAME}} in the repositories file may read NAME: never the worker's own
   * secrets, which PR code could then read from the preview's .env file.
   */
  static boolean previewVisible(String name) {
    return WORKER_SECRETS.stream().noneMatch(name::startsWith);
  }

  private static final java.util.List<String> WORKER_SECRETS =
      java.util.List.of(
          "FORGE_API_TOKEN",
          "PREVIEW_SECRET_KEY",
          "GITHUB_",
          "SSH_",
          "MASTER_DB_",
          "TEMPORAL_TLS",
          "GITHUB_WEBHOOK_SECRET");

  /** One GitHub client for the worker's activities; empty without credentials (dev mode). */
  private static Optional<GitHubClient> gitHubClient(WorkerConfig config) {
    return GitHubCredentials.fromEnvironment(config.env().asMap(), Clock.systemUTC())
        .map(
            credentials ->
                new GitHubClient(GitHubConfig.fromEnvironment(config.env().asMap()), credentials));
  }

  private static GitHubActivities github(Optional<GitHubClient> client) {
    return client
        .<GitHubActivities>map(GitHubActivitiesImpl::new)
        .orElseGet(
            () -> {
              log.warn(
                  "NO GITHUB CREDENTIALS (GITHUB_TOKEN or GITHUB_APP_ID): pull request comments and"
                      + " deployments are written to this log instead of GitHub");
              return new LoggingGitHubActivities();
            });
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkerMetrics metrics() {
    return metrics;
  }

  public CleanupSchedule cleanup() {
    return cleanup;
  }

  public boolean isHealthy() {
    return !factory.isShutdown() && !factory.isTerminated() && factory.isStarted();
  }

  @Override
  public void close() {
    log.info("shutting down: finishing running activities (up to 30 s)");
    cleanup.close();
    config.repositories().close();
    metrics.close();
    factory.shutdown();
    factory.awaitTermination(30, TimeUnit.SECONDS);
    service.shutdown();
    service.awaitTermination(5, TimeUnit.SECONDS);
  }
}
