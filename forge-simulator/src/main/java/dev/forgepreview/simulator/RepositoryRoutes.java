package dev.forgepreview.simulator;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** {@code …/git} and {@code …/env}. */
final class RepositoryRoutes {

  private static final Set<String> PROVIDERS =
      Set.of("github", "gitlab", "gitlab-custom", "bitbucket", "custom");

  private final ForgeState state;
  private final Views views;
  private final SimulatorSettings settings;

  RepositoryRoutes(ForgeState state, Views views, SimulatorSettings settings) {
    this.state = state;
    this.views = views;
    this.settings = settings;
  }

  void register(Router router) {
    router
        .add("POST", "servers/{id}/sites/{id}/git", this::install)
        .add("PUT", "servers/{id}/sites/{id}/git", this::update)
        .add("DELETE", "servers/{id}/sites/{id}/git", this::remove)
        .add("GET", "servers/{id}/sites/{id}/env", this::readEnv)
        .add("PUT", "servers/{id}/sites/{id}/env", this::writeEnv);
  }

  /**
   * Installing the same repository and branch again is answered with the current state, so a
   * retried request does not restart the install (inferred).
   */
  private Response install(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    String provider = v.requiredString("provider");
    if (provider != null && !PROVIDERS.contains(provider)) {
      v.reject("provider", "The selected provider is invalid.");
    }
    String repository = v.requiredString("repository");
    if (repository != null && !"custom".equals(provider) && !repository.contains("/")) {
      v.reject("repository", "The repository format is invalid.");
    }
    String branch = v.optionalString("branch", "main");
    v.bool("composer", true);
    v.check();
    boolean same =
        site.repositoryInstalledAt != null
            && Objects.equals(site.repository, repository)
            && Objects.equals(site.repositoryBranch, branch)
            && Objects.equals(site.repositoryProvider, provider);
    if (!same) {
      site.repository = repository;
      site.repositoryProvider = provider;
      site.repositoryBranch = branch;
      site.repositoryInstalledAt = call.now().plus(settings.repositoryInstallDuration());
      site.quickDeploy = settings.quickDeployOnInstall();
    }
    return Response.json(Map.of("site", views.site(site, call.now())));
  }

  private Response update(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    String provider = v.optionalString("provider", site.repositoryProvider);
    if (provider != null && !PROVIDERS.contains(provider)) {
      v.reject("provider", "The selected provider is invalid.");
    }
    String repository = v.optionalString("repository", site.repository);
    String branch = v.optionalString("branch", site.repositoryBranch);
    v.check();
    site.repositoryProvider = provider;
    site.repository = repository;
    site.repositoryBranch = branch;
    return Response.json(Map.of("site", views.site(site, call.now())));
  }

  private Response remove(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    site.repository = null;
    site.repositoryProvider = null;
    site.repositoryBranch = null;
    site.repositoryInstalledAt = null;
    return Response.ok();
  }

  private Response readEnv(Router.ApiCall call) {
    return Response.text(state.liveSite(call.id(0), call.id(1)).env);
  }

  /**
   * Before the repository is installed the write is accepted and silently dropped, as on real Forge
   * (forge-sdk #37).
   */
  private Response writeEnv(Router.ApiCall call) {
    SiteEntity site = state.liveSite(call.id(0), call.id(1));
    Validator v = new Validator(call.body());
    if (v.raw("content") == null) {
      v.reject("content", "The content field is required.");
    }
    String content = v.raw("content") == null ? "" : v.raw("content").asText();
    v.check();
    if (Lifecycle.repositoryInstalled(site, call.now())) {
      site.env = content;
    }
    return Response.ok();
  }
}
