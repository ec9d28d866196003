package dev.forgepreview.activities.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forgepreview.activities.github.GitHubModels.InstallationToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A GitHub App: an RS256 JWT signed with the App's private key, exchanged for an installation token
 * that is cached until {@link #REFRESH_BEFORE_EXPIRY} before it expires. The installation is
 * configured, or looked up once per repository. Thread-safe.
 */
public final class AppCredentials implements GitHubCredentials {
  /** A cached installation token is replaced this long before its {@code expires_at}. */
  public static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

  /** GitHub allows at most 10 minutes; {@code iat} is backdated for clock drift, as it advises. */
  static final Duration JWT_LIFETIME = Duration.ofMinutes(9);

  static final Duration JWT_BACKDATE = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JWT_HEADER =
      base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final String appId;
  private final PrivateKey privateKey;
  private final Long installationId;
  private final Clock clock;
  private final ConcurrentMap<String, Long> installationsByRepository = new ConcurrentHashMap<>();
  private final ReentrantLock tokenLock = new ReentrantLock();
  private final Map<Long, CachedToken> tokens = new HashMap<>(); // guarded by tokenLock

  /**
   * @param appId the App's id (or client id), the JWT's {@code iss}
   * @param installationId the installation to act as, or null to look it up per repository
   */
  public AppCredentials(String appId, PrivateKey privateKey, Long installationId, Clock clock) {
    this.appId = Objects.requireNonNull(appId, "appId").trim();
    if (this.appId.isEmpty()) {
      throw new IllegalArgumentException("the GitHub App id is empty");
    }
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.installationId = installationId;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Reads the key from PEM, PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or PKCS#8. */
  public static AppCredentials fromPem(String appId, String pem, Long installationId, Clock clock) {
    return new AppCredentials(appId, PemKeys.readRsaPrivateKey(pem), installationId, clock);
  }

  @Override
  public String authorization(GitHubClient client, String owner, String repo)
      throws IOException, GitHubException {
    long installation = installationFor(client, owner, repo);
    tokenLock.lock();
    try {
      Instant now = clock.instant();
      CachedToken cached = tokens.get(installation);
      if (cached != null && now.isBefore(cached.refreshAt())) {
        return cached.authorization();
      }
      InstallationToken token = client.createInstallationToken(jwt(), installation);
      Instant expiresAt = parseExpiry(token);
      CachedToken fresh =
          new CachedToken("Bearer " + token.token(), expiresAt.minus(REFRESH_BEFORE_EXPIRY));
      tokens.put(installation, fresh);
      return fresh.authorization();
    } finally {
      tokenLock.unlock();
    }
  }

  @Override
  public String botLogin(GitHubClient client) throws IOException, GitHubException {
    return client.appSlug(jwt()) + "[bot]";
  }

  @Override
  public void rejected(String authorization) {
    tokenLock.lock();
    try {
      tokens.values().removeIf(t -> t.authorization().equals(authorization));
    } finally {
      tokenLock.unlock();
    }
  }

  /** A fresh App JWT: {@code iss} the App, {@code iat} a minute ago, {@code exp} in 9 minutes. */
  public String jwt() throws GitHubException {
    Instant now = clock.instant();
    String claims;
    try {
      claims =
          JSON.writeValueAsString(
              new JwtClaims(
                  now.minus(JWT_BACKDATE).getEpochSecond(),
                  now.plus(JWT_LIFETIME).getEpochSecond(),
                  appId));
    } catch (JsonProcessingException e) {
      throw new GitHubException("cannot write the App JWT claims");
    }
    String signingInput = JWT_HEADER + "." + base64Url(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(privateKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64Url(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new GitHubException("cannot sign the App JWT with the configured private key");
    }
  }

  private long installationFor(GitHubClient client, String owner, String repo)
      throws IOException, GitHubException {
    if (installationId != null) {
      return installationId;
    }
    String key = (owner + "/" + repo).toLowerCase(Locale.ROOT);
    Long known = installationsByRepository.get(key);
    if (known != null) {
      return known;
    }
    long found = client.findInstallationId(jwt(), owner, repo);
    installationsByRepository.put(key, found);
    return found;
  }

  private static Instant parseExpiry(InstallationToken token) throws GitHubBadResponseException {
    if (token.expiresAt() == null) {
      throw new GitHubBadResponseException("the installation token answer has no expires_at");
    }
    try {
      return Instant.parse(token.expiresAt());
    } catch (DateTimeParseException e) {
      throw new GitHubBadResponseException("the installation token's expires_at is not a time");
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "AppCredentials[appId="
        + appId
        + ", installationId="
        + (installationId == null ? "lookup" : installationId)
        + ", key=***]";
  }

  record JwtClaims(long iat, long exp, String iss) {}

  private record CachedToken(String authorization, Instant refreshAt) {
    @Override
    public String toString() {
      return "CachedToken[refreshAt=" + refreshAt + "]";
    }
  }
}
