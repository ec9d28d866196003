package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A Forge resource a teardown or rollback could not delete within its rounds: {@code resource} is
 * {@code server}, {@code site}, {@code database} or {@code database-user}, {@code name} its name on
 * Forge, {@code lastError} the last failure. The cleanup schedule deletes it later as an orphan.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Leftover(String resource, String name, String lastError) {}
