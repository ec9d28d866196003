package dev.forgepreview.activities.ssh;

import java.util.Objects;

/** A MySQL user and its password. {@link #toString()} never shows the password. */
public record DbCredentials(String user, String password) {
  public DbCredentials {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "DbCredentials[user=" + user + ", password=***]";
  }
}
