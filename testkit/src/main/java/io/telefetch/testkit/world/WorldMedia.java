package io.telefetch.testkit.world;

/**
 * Media a message can carry and a client can download with {@code upload.getFile}: a {@link
 * WorldDocument} or a {@link WorldPhoto}. Each has an id, an access hash, a DC that stores its
 * bytes and a file reference managed by the {@link World} (see {@link World#fileReference}).
 */
public sealed interface WorldMedia permits WorldDocument, WorldPhoto {
  /** The document or photo id. */
  long id();

  /** The access hash clients put in the file location. */
  long accessHash();

  /** The DC holding the bytes; {@code upload.getFile} elsewhere answers FILE_MIGRATE_X. */
  int dc();

  /** Upload date, unix seconds. */
  int date();
}
