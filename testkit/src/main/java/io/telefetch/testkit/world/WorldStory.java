package io.telefetch.testkit.world;

/**
 * A story of a user or a channel in the {@link World}: one photo or video ({@code storyItem}),
 * served by {@code stories.getStoriesByID} with file references that follow the world's {@link
 * FileReferencePolicy} like a message's media (fetching the story again renews them).
 *
 * <p>Immutable; created with {@link World#story}.
 *
 * @param owner the {@link WorldUser} or {@link WorldChannel} that posted it
 * @param id the story id, unique per owner, increasing from 1
 * @param date unix seconds
 * @param expireDate when it leaves the active list (date + 24 h); pinned stories stay readable after it
 * @param caption the caption, possibly empty
 * @param media the photo or video document
 * @param pinned whether it is kept on the owner's profile after it expires
 */
public record WorldStory(Object owner, int id, int date, int expireDate, String caption, WorldMedia media,
    boolean pinned) {

  /** The owner's display name: a user's full name or a channel's title. */
  public String ownerName() {
    if (owner instanceof WorldUser u) {
      return u.firstName() + u.lastName().map(l -> " " + l).orElse("");
    }
    return ((WorldChannel) owner).title();
  }

  /** The owner's id (a user id or a channel id). */
  public long ownerId() {
    return owner instanceof WorldUser u ? u.id() : ((WorldChannel) owner).id();
  }

  @Override
  public String toString() {
    return "Story[" + ownerId() + "/" + id + " " + media + "]";
  }
}
