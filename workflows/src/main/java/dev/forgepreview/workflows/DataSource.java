package dev.forgepreview.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where a preview's database came from, and how old that data is: the newest master snapshot, or
 * the live master (no snapshot existed yet) at the time of the clone.
 *
 * @param database the database the clone read (the snapshot's or the master's name)
 * @param takenAt when the data was read from the master (ISO-8601 instant): the snapshot's time, or
 *     the clone's own for a live copy
 * @param sizeBytes the snapshot's size on its server (data and indexes), 0 for a live copy
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DataSource(Kind kind, String database, String takenAt, long sizeBytes) {
  public enum Kind {
    SNAPSHOT,
    LIVE_MASTER
  }
}
