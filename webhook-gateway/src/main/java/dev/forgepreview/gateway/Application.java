package dev.forgepreview.gateway;

import io.micronaut.runtime.Micronaut;

/** Starts the webhook gateway; the port comes from {@code MICRONAUT_SERVER_PORT} (default 8080). */
public final class Application {
  private Application() {}

  public static void main(String[] args) {
    Micronaut.run(Application.class, args);
  }
}
