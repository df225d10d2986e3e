package io.telefetch.link;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed Telegram link: one record per kind of link, from every form Telegram's apps accept
 * ({@code https://t.me/...}, {@code telegram.me}, {@code telegram.dog}, with or without {@code
 * www.} and scheme, {@code <username>.t.me}, and {@code tg://resolve|privatepost|join}).
 *
 * <p>{@link #parse} is pure (no I/O) and total: any input either parses or raises {@link
 * LinkParseException} with a reason and a position. Links that carry no media (sticker sets,
 * shares, proxies, bot starts...) parse to {@link Unsupported}, which says what they are.
 *
 * <pre>{@code
 * TelegramLink link = TelegramLink.parse("https://t.me/somechannel/123?single");
 * if (link instanceof TelegramLink.Post post) { ... post.username(), post.messageId() ... }
 * }</pre>
 */
public sealed interface TelegramLink {
  /** The longest input the parser reads; longer ones are refused as {@link LinkParseException.Reason#TOO_LONG}. */
  int MAX_LENGTH = 4096;

  /** The kinds of links, with the names the {@code telefetch link parse} JSON uses. */
  enum Kind {
    POST, PRIVATE_POST, USERNAME, INVITE, PHONE, STORY, UNSUPPORTED;

    /** The lower-case name used in JSON output, e.g. {@code private_post}. */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which kind of link this is. */
  Kind kind();

  /** The canonical {@code https://t.me/...} (or {@code tg://}) form of this link. */
  String toUrl();

  /**
   * Parses {@code input}.
   *
   * @throws LinkParseException if it is not a Telegram link, with the reason and position
   */
  static TelegramLink parse(String input) {
    return new LinkParser(input).parse();
  }

  /** Parses {@code input}, or returns empty if it is not a Telegram link. */
  static Optional<TelegramLink> tryParse(String input) {
    try {
      return Optional.of(parse(input));
    } catch (LinkParseException e) {
      return Optional.empty();
    }
  }

  /**
   * A message of a public channel, group, user or bot: {@code t.me/<username>/<msg>}, {@code
   * t.me/<username>/<topic>/<msg>}, {@code t.me/s/<username>/<msg>} or {@code
   * tg://resolve?domain=..&post=..}.
   *
   * @param username the username, as written (compare case-insensitively)
   * @param messageId the message id, positive
   * @param options thread, comment, single and timestamp
   */
  record Post(String username, int messageId, PostOptions options) implements TelegramLink {
    public Post {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(options, "options");
    }

    @Override
    public Kind kind() {
      return Kind.POST;
    }

    @Override
    public String toUrl() {
      return "https://t.me/" + username + "/"
          + (options.thread().isPresent() ? options.thread().getAsInt() + "/" : "") + messageId
          + options.query();
    }
  }

  /**
   * A message of a channel or supergroup addressed by its id, which only its members can open:
   * {@code t.me/c/<channel>/<msg>}, {@code t.me/c/<channel>/<topic>/<msg>} or {@code
   * tg://privatepost?channel=..&post=..}.
   *
   * @param channelId the channel's id (without the -100 prefix of Bot API chat ids)
   * @param messageId the message id, positive
   * @param options thread, comment, single and timestamp
   */
  record PrivatePost(long channelId, int messageId, PostOptions options) implements TelegramLink {
    public PrivatePost {
      Objects.requireNonNull(options, "options");
    }

    @Override
    public Kind kind() {
      return Kind.PRIVATE_POST;
    }

    @Override
    public String toUrl() {
      return "https://t.me/c/" + channelId + "/"
          + (options.thread().isPresent() ? options.thread().getAsInt() + "/" : "") + messageId
          + options.query();
    }
  }

  /**
   * A public username alone: {@code t.me/<username>}, {@code <username>.t.me}, {@code
   * t.me/s/<username>} or {@code tg://resolve?domain=..}.
   *
   * @param username the username, as written (compare case-insensitively)
   */
  record Username(String username) implements TelegramLink {
    public Username {
      Objects.requireNonNull(username, "username");
    }

    @Override
    public Kind kind() {
      return Kind.USERNAME;
    }

    @Override
    public String toUrl() {
      return "https://t.me/" + username;
    }
  }

  /**
   * An invite link: {@code t.me/+<hash>}, {@code t.me/joinchat/<hash>} or {@code
   * tg://join?invite=..}. Its {@link #toString} does not show the hash, which grants access.
   *
   * @param hash the invite hash
   */
  record Invite(String hash) implements TelegramLink {
    public Invite {
      Objects.requireNonNull(hash, "hash");
    }

    @Override
    public Kind kind() {
      return Kind.INVITE;
    }

    /** {@code t.me/+<hash>}, or {@code t.me/joinchat/<hash>} for an all-digit hash ({@code t.me/+<digits>} is a phone number). */
    @Override
    public String toUrl() {
      return (hash.chars().allMatch(c -> c >= '0' && c <= '9') ? "https://t.me/joinchat/" : "https://t.me/+") + hash;
    }

    @Override
    public String toString() {
      return "Invite[hash=" + Masking.mask(hash) + "]";
    }
  }

  /**
   * A phone number link: {@code t.me/+<digits>} or {@code tg://resolve?phone=..}. Its {@link
   * #toString} masks the number.
   *
   * @param phone the digits of the number, without {@code +}
   */
  record Phone(String phone) implements TelegramLink {
    public Phone {
      Objects.requireNonNull(phone, "phone");
    }

    @Override
    public Kind kind() {
      return Kind.PHONE;
    }

    @Override
    public String toUrl() {
      return "https://t.me/+" + phone;
    }

    @Override
    public String toString() {
      return "Phone[phone=+" + Masking.mask(phone) + "]";
    }
  }

  /**
   * A story: {@code t.me/<username>/s/<story>} or {@code tg://resolve?domain=..&story=..}.
   *
   * @param username the username of the story's owner
   * @param storyId the story id, positive
   */
  record Story(String username, int storyId) implements TelegramLink {
    public Story {
      Objects.requireNonNull(username, "username");
    }

    @Override
    public Kind kind() {
      return Kind.STORY;
    }

    @Override
    public String toUrl() {
      return "https://t.me/" + username + "/s/" + storyId;
    }
  }

  /**
   * A well-formed Telegram link that carries no media, e.g. a sticker set or a proxy.
   *
   * @param what what the link is, e.g. {@code sticker_set}, {@code proxy}, {@code bot_start}
   * @param url the input it was parsed from, trimmed
   */
  record Unsupported(String what, String url) implements TelegramLink {
    public Unsupported {
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(url, "url");
    }

    @Override
    public Kind kind() {
      return Kind.UNSUPPORTED;
    }

    @Override
    public String toUrl() {
      return url;
    }

    @Override
    public String toString() {
      return "Unsupported[what=" + what + "]";
    }
  }
}
