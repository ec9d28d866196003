package dev.forgepreview.activities.compose;

import dev.forgepreview.activities.github.PreviewFile;
import dev.forgepreview.workflows.activities.ComposeActivities.PreviewServices;
import java.util.Map;

/**
 * The extra services of a repository's preview file, read again at the commit the workflow read it
 * at ({@link dev.forgepreview.activities.github.PreviewFiles}); failures are typed Temporal
 * failures ({@code INVALID_INPUT} for a file that no longer matches).
 */
public interface PreviewFileServices {
  /** The services {@code ref} names, by name, in the file's order. */
  Map<String, PreviewFile.Service> services(PreviewServices ref);
}
