package dev.forgepreview.simulator;

import java.time.Instant;
import java.util.List;

/** A site as stored, with the deadlines of its install, repository and removal. */
final class SiteEntity {
  long id;
  long serverId;
  String name;
  List<String> aliases = List.of();
  String directory;
  boolean wildcards;
  boolean isolated;
  String username;
  String projectType;
  String phpVersion;
  boolean quickDeploy;
  String deployToken;
  Instant createdAt;
  Instant installedAt;
  Instant removingSince;
  Instant goneAt;
  String repository;
  String repositoryProvider;
  String repositoryBranch;
  Instant repositoryInstalledAt;
  String env = "";
  String deploymentScript;

  boolean removing() {
    return removingSince != null;
  }
}
