package io.telefetch.testkit.world;

import java.util.Objects;

/**
 * One size of a photo (or a thumbnail of a document): its type letter ({@code s}, {@code m},
 * {@code x}, {@code y}, {@code w}...), dimensions and bytes. The type is the {@code thumb_size} a
 * client puts in {@code inputPhotoFileLocation} / {@code inputDocumentFileLocation}.
 *
 * @param type the size type letter
 * @param w width in pixels
 * @param h height in pixels
 * @param content the bytes
 */
public record WorldPhotoSize(String type, int w, int h, FileContent content) {
  public WorldPhotoSize {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(content, "content");
    if (type.isEmpty() || w < 1 || h < 1) {
      throw new IllegalArgumentException("bad photo size " + type + " " + w + "x" + h);
    }
    if (content.size() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("photo sizes are smaller than 2 GiB");
    }
  }

  /** A real JPEG of {@code w x h} generated from {@code seed} (see {@link FileContent#jpeg}). */
  public static WorldPhotoSize jpeg(String type, int w, int h, long seed) {
    return new WorldPhotoSize(type, w, h, FileContent.jpeg(w, h, seed));
  }
}
