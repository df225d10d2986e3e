package io.telefetch.testkit.world;

import java.util.List;
import java.util.Optional;

/**
 * A photo of the {@link World}: several {@link WorldPhotoSize}s, each downloadable with {@code
 * inputPhotoFileLocation(thumb_size = type)}.
 *
 * <p>Immutable; created with {@link World#photo()}.
 */
public final class WorldPhoto implements WorldMedia {
  private final long id;
  private final long accessHash;
  private final int dc;
  private final int date;
  private final List<WorldPhotoSize> sizes;

  WorldPhoto(long id, long accessHash, int dc, int date, List<WorldPhotoSize> sizes) {
    this.id = id;
    this.accessHash = accessHash;
    this.dc = dc;
    this.date = date;
    this.sizes = List.copyOf(sizes);
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public long accessHash() {
    return accessHash;
  }

  @Override
  public int dc() {
    return dc;
  }

  @Override
  public int date() {
    return date;
  }

  /** The sizes, smallest first. */
  public List<WorldPhotoSize> sizes() {
    return sizes;
  }

  /** The size of type {@code type}, if the photo has it. */
  public Optional<WorldPhotoSize> size(String type) {
    return sizes.stream().filter(s -> s.type().equals(type)).findFirst();
  }

  /** The largest size. */
  public WorldPhotoSize largest() {
    return sizes.get(sizes.size() - 1);
  }

  @Override
  public String toString() {
    return "Photo[" + id + ", dc " + dc + ", sizes " + sizes.stream().map(WorldPhotoSize::type).toList() + "]";
  }
}
