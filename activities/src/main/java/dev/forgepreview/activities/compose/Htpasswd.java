package dev.forgepreview.activities.compose;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One line of an htpasswd file for nginx's {@code auth_basic_user_file}, with the password hashed
 * as APR1-MD5 ({@code $apr1$}, Apache's variant of md5-crypt: a salted MD5 chain of 1,000 rounds).
 * nginx verifies {@code $apr1$} with its own code, not with the C library's {@code crypt()}, so it
 * works with every nginx build; bcrypt would need the host's {@code crypt()} to know it and a
 * library here. The password never leaves the activity: only the hash goes to the host.
 */
final class Htpasswd {
  private static final String MAGIC = "$apr1$";
  private static final String ITOA64 =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern SALT = Pattern.compile("[./0-9A-Za-z]{1,8}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Htpasswd() {}

  /** {@code user:$apr1$salt$hash} and a newline, with a fresh random salt. */
  static String line(String user, String password) {
    StringBuilder salt = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      salt.append(ITOA64.charAt(RANDOM.nextInt(ITOA64.length())));
    }
    return line(user, password, salt.toString());
  }

  static String line(String user, String password, String salt) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new IllegalArgumentException("the basic auth user must be 1-64 of [A-Za-z0-9._-]");
    }
    return user + ":" + apr1(password, salt) + "\n";
  }

  /** The {@code $apr1$salt$hash} of {@code password}. */
  static String apr1(String password, String salt) {
    Objects.requireNonNull(password, "password");
    if (salt == null || !SALT.matcher(salt).matches()) {
      throw new IllegalArgumentException("an APR1 salt is 1-8 of [./0-9A-Za-z]");
    }
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    byte[] s = salt.getBytes(StandardCharsets.US_ASCII);
    byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);

    MessageDigest alternate = md5();
    alternate.update(pw);
    alternate.update(s);
    alternate.update(pw);
    byte[] finalSum = alternate.digest();

    MessageDigest ctx = md5();
    ctx.update(pw);
    ctx.update(magic);
    ctx.update(s);
    for (int left = pw.length; left > 0; left -= 16) {
      ctx.update(finalSum, 0, Math.min(left, 16));
    }
    for (int i = pw.length; i != 0; i >>>= 1) {
      if ((i & 1) != 0) {
        ctx.update((byte) 0);
      } else {
        ctx.update(pw.length == 0 ? 0 : pw[0]);
      }
    }
    finalSum = ctx.digest();

    for (int i = 0; i < 1000; i++) {
      MessageDigest round = md5();
      round.update((i & 1) != 0 ? pw : finalSum);
      if (i % 3 != 0) {
        round.update(s);
      }
      if (i % 7 != 0) {
        round.update(pw);
      }
      round.update((i & 1) != 0 ? finalSum : pw);
      finalSum = round.digest();
    }

    StringBuilder out = new StringBuilder(MAGIC).append(salt).append('$');
    to64(out, bytes(finalSum, 0, 6, 12), 4);
    to64(out, bytes(finalSum, 1, 7, 13), 4);
    to64(out, bytes(finalSum, 2, 8, 14), 4);
    to64(out, bytes(finalSum, 3, 9, 15), 4);
    to64(out, bytes(finalSum, 4, 10, 5), 4);
    to64(out, finalSum[11] & 0xff, 2);
    return out.toString();
  }

  private static int bytes(byte[] b, int high, int middle, int low) {
    return ((b[high] & 0xff) << 16) | ((b[middle] & 0xff) << 8) | (b[low] & 0xff);
  }

  private static void to64(StringBuilder out, int value, int chars) {
    for (int i = 0; i < chars; i++) {
      out.append(ITOA64.charAt(value & 0x3f));
      value >>>= 6;
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }
}
