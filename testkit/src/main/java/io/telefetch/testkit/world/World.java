package io.telefetch.testkit.world;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the in-process Telegram knows: users and bots, channels and megagroups, their messages,
 * documents and photos with their bytes, and the server-side state that goes with them (file
 * references, CDN copies, pending logins). A {@code TestCluster} holds one world and every DC
 * answers from it.
 *
 * <p>Seeding uses builders; values are immutable, the world is thread-safe and may be seeded before
 * or while the cluster runs:
 *
 * <pre>{@code
 * World world = cluster.world();
 * WorldUser bot = world.bot("fetch_bot").dc(2).create();
 * WorldChannel demo = world.channel("telefetch_demo").title("Telefetch demo").dc(2).create();
 * WorldDocument video = world.video("demo.mp4", FileContent.seeded(42, 64 << 20))
 *     .dc(2).duration(60).size(1280, 720).cdn(true).create();
 * WorldMessage post = world.post(demo).text("A video").media(video).create();
 * byte[] expected = video.content().sha256();
 * }</pre>
 *
 * <p>Ids and access hashes are deterministic for a given seed ({@code TestCluster.Builder.worldSeed}).
 */
public final class World {
  /** The window of {@code upload.getFileHashes} and CDN hashes: 128 KiB. */
  public static final int HASH_WINDOW = 128 * 1024;
  /** How many consecutive {@code fileHash}es one hashes call returns. */
  public static final int HASHES_PER_CALL = 8;
  /** The code {@code auth.signIn} accepts unless a user has its own. */
  public static final String DEFAULT_LOGIN_CODE = "12345";

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{3,31}");
  private static final long USER_IDS = 700_000_000L;
  private static final long CHANNEL_IDS = 1_700_000_000L;
  private static final long DOCUMENT_IDS = 5_100_000_000_000_000_000L;
  private static final long PHOTO_IDS = 5_300_000_000_000_000_000L;
  private static final long GROUPED_IDS = 13_500_000_000_000_000L;
  private static final long WEB_PAGE_IDS = 7_700_000_000_000_000_000L;
  /** The six topic icon colours Telegram allows. */
  private static final int[] TOPIC_COLORS = {0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F};
  /** How long a story stays in the active list. */
  static final int STORY_SECONDS = 86_400;

  private final Clock clock;
  private final SplittableRandom random;
  private long nextUser = 1;
  private long nextChannel = 1;
  private long nextDocument = 1;
  private long nextPhoto = 1;
  private long nextGroup = 1;
  private long nextWebPage = 1;

  private final Map<Long, WorldUser> users = new ConcurrentHashMap<>();
  private final Map<String, WorldUser> usersByPhone = new ConcurrentHashMap<>();
  private final Map<String, WorldUser> botsByToken = new ConcurrentHashMap<>();
  private final Map<Long, WorldChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, WorldChannel> channelsByInvite = new ConcurrentHashMap<>();
  private final Map<String, Object> usernames = new ConcurrentHashMap<>();
  private final Map<Long, ConcurrentSkipListMap<Integer, WorldMessage>> messages = new ConcurrentHashMap<>();
  private final Map<Long, Integer> nextMessageId = new ConcurrentHashMap<>();
  private final Map<Long, Long> discussionOf = new ConcurrentHashMap<>();
  private final Map<String, Integer> discussionCopies = new ConcurrentHashMap<>();
  private final Map<Long, WorldDocument> documents = new ConcurrentHashMap<>();
  private final Map<Long, WorldPhoto> photos = new ConcurrentHashMap<>();
  private final Map<Long, List<Corruption>> corruption = new ConcurrentHashMap<>();
  private final Map<Long, ConcurrentSkipListMap<Integer, WorldTopic>> topics = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentSkipListMap<Integer, WorldStory>> stories = new ConcurrentHashMap<>();
  private final Map<Long, WorldWebPage> webPages = new ConcurrentHashMap<>();
  /** Former usernames (normalised) to the id of the channel that had them. */
  private final Map<String, Long> formerUsernames = new ConcurrentHashMap<>();
  private volatile int apiId;
  private volatile String apiHash;

  final FileReferences references;
  final CdnFiles cdnFiles;
  final AuthState auth;

  /**
   * A world whose dates come from {@code clock} and whose ids, access hashes, tokens and keys are
   * derived from {@code seed}.
   */
  public World(Clock clock, long seed) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = new SplittableRandom(seed);
    this.references = new FileReferences(clock, random.split());
    this.cdnFiles = new CdnFiles(random.split());
    this.auth = new AuthState(clock, random.split());
  }

  /** The clock dates and expiries are measured with (the cluster's). */
  public Clock clock() {
    return clock;
  }

  int now() {
    return (int) (clock.millis() / 1000);
  }

  // ------------------------------------------------------------------ seeding

  /** Starts a user account with a first name; see {@link UserBuilder}. */
  public UserBuilder user(String firstName) {
    return new UserBuilder(Objects.requireNonNull(firstName, "firstName"), false);
  }

  /** Starts a bot account with a username (its token is generated unless set). */
  public UserBuilder bot(String username) {
    return new UserBuilder(Objects.requireNonNull(username, "username"), true).username(username);
  }

  /** Starts a public broadcast channel {@code @username}; see {@link ChannelBuilder}. */
  public ChannelBuilder channel(String username) {
    return new ChannelBuilder(Objects.requireNonNull(username, "username"), null);
  }

  /** Starts a private broadcast channel (readable by its members, joined by invite hash). */
  public ChannelBuilder privateChannel(String title) {
    return new ChannelBuilder(null, Objects.requireNonNull(title, "title"));
  }

  /** Starts a document of any type. */
  public DocumentBuilder document(String fileName, FileContent content) {
    return new DocumentBuilder(fileName, content);
  }

  /** Starts a {@code video/mp4} document (1280x720, 60 s, streamable unless changed). */
  public DocumentBuilder video(String fileName, FileContent content) {
    return new DocumentBuilder(fileName, content).mimeType("video/mp4").video(60, 1280, 720, true);
  }

  /** Starts a photo. */
  public PhotoBuilder photo() {
    return new PhotoBuilder();
  }

  /** Starts a message in {@code channel} (a post, or a megagroup message). */
  public MessageBuilder post(WorldChannel channel) {
    return new MessageBuilder(requireChannel(channel));
  }

  /**
   * Posts an album: one message per media item, sharing a {@code grouped_id} and a date; the first
   * carries {@code caption}.
   */
  public List<WorldMessage> album(WorldChannel channel, String caption, WorldMedia... media) {
    if (media.length < 2 || media.length > 10) {
      throw new IllegalArgumentException("an album has 2 to 10 items");
    }
    long grouped;
    synchronized (this) {
      grouped = GROUPED_IDS + nextGroup++ * 7919;
    }
    int date = now();
    List<WorldMessage> out = new ArrayList<>();
    for (int i = 0; i < media.length; i++) {
      out.add(post(channel).text(i == 0 ? caption : "").media(media[i]).groupedId(grouped).date(date).create());
    }
    return out;
  }

  /**
   * Adds a comment by {@code from} under a channel post: a message in the channel's discussion
   * group replying to the post's discussion copy.
   */
  public WorldMessage comment(WorldMessage post, WorldUser from, String text) {
    WorldChannel channel = requireChannel(channel(post.channelId()).orElseThrow());
    if (channel.discussionGroupId() == 0) {
      throw new IllegalArgumentException(channel + " has no discussion group");
    }
    WorldChannel group = channel(channel.discussionGroupId()).orElseThrow();
    int copy = discussionCopy(post).orElseThrow(() -> new IllegalArgumentException("no discussion copy of " + post))
        .id();
    return post(group).from(from).text(text).replyTo(copy).create();
  }

  /**
   * Creates a topic in a forum (see {@link ChannelBuilder#forum()}): a service message {@code
   * messageActionTopicCreate} whose id becomes the topic's id. Post in it with {@link
   * MessageBuilder#topic}.
   *
   * @param from the creator, or null for the forum itself
   */
  public WorldTopic topic(WorldChannel forum, String title, @Nullable WorldUser from) {
    Objects.requireNonNull(title, "title");
    synchronized (this) {
      WorldChannel f = requireChannel(forum);
      if (!f.isForum()) {
        throw new IllegalArgumentException(f + " is not a forum");
      }
      int date = now();
      long fromId = from == null ? 0 : from.id();
      WorldMessage created = append(f, "", null, 0, fromId, null, 0, 0, date, 0, false, title, null);
      int color = TOPIC_COLORS[(int) Math.floorMod(created.id() * 31L + f.id(), (long) TOPIC_COLORS.length)];
      WorldTopic topic = new WorldTopic(f.id(), created.id(), title, date, color, fromId);
      topics.computeIfAbsent(f.id(), k -> new ConcurrentSkipListMap<>()).put(topic.id(), topic);
      return topic;
    }
  }

  /** Starts a story of a user or a channel; see {@link StoryBuilder}. */
  public StoryBuilder story(WorldUser owner) {
    return new StoryBuilder(user(Objects.requireNonNull(owner, "owner").id())
        .orElseThrow(() -> new IllegalArgumentException(owner + " is not in this world")));
  }

  /** Starts a story of a channel; see {@link StoryBuilder}. */
  public StoryBuilder story(WorldChannel owner) {
    return new StoryBuilder(requireChannel(owner));
  }

  /** Starts a link preview (a {@code webPage}) for a message to carry; see {@link WebPageBuilder}. */
  public WebPageBuilder webPage(String url) {
    return new WebPageBuilder(Objects.requireNonNull(url, "url"));
  }

  /**
   * Renames a public channel: {@code @newUsername} resolves to it from now on, and its former
   * username is free: {@code contacts.resolveUsername} answers {@code USERNAME_NOT_OCCUPIED} for
   * it (until someone claims it), while the t.me pages under it answer {@code 301} to the new name
   * (see {@link #renamedTo}). Messages, members and ids are unchanged.
   *
   * @return the channel as it is now (the old value keeps its old username)
   */
  public WorldChannel rename(WorldChannel channel, String newUsername) {
    synchronized (this) {
      WorldChannel current = requireChannel(channel);
      String old = current.username().orElseThrow(() -> new IllegalArgumentException(current + " is private"));
      WorldChannel renamed = current.withUsername(newUsername);
      claimUsername(newUsername, renamed);
      usernames.remove(normalizeUsername(old));
      formerUsernames.put(normalizeUsername(old), current.id());
      formerUsernames.remove(normalizeUsername(newUsername));
      channels.put(current.id(), renamed);
      return renamed;
    }
  }

  /**
   * The current username of the channel that was known as {@code oldUsername}, while no one owns
   * that name again; empty otherwise.
   */
  public Optional<String> renamedTo(String oldUsername) {
    String key = normalizeUsername(oldUsername);
    if (usernames.containsKey(key)) {
      return Optional.empty();
    }
    return Optional.ofNullable(formerUsernames.get(key)).flatMap(this::channel).flatMap(WorldChannel::username);
  }

  // ------------------------------------------------------------------ lookups

  /** Every user and bot. */
  public Collection<WorldUser> users() {
    return List.copyOf(users.values());
  }

  public Optional<WorldUser> user(long id) {
    return Optional.ofNullable(users.get(id));
  }

  /** The user with this phone (any formatting; digits are compared). */
  public Optional<WorldUser> userByPhone(String phone) {
    return Optional.ofNullable(usersByPhone.get(digits(phone)));
  }

  public Optional<WorldUser> botByToken(String token) {
    return Optional.ofNullable(botsByToken.get(token));
  }

  /** Every channel and megagroup. */
  public Collection<WorldChannel> channels() {
    return List.copyOf(channels.values());
  }

  public Optional<WorldChannel> channel(long id) {
    return Optional.ofNullable(channels.get(id));
  }

  /**
   * The owner of a username: a {@link WorldUser} or a {@link WorldChannel} (case-insensitive, with
   * or without {@code @}).
   */
  public Optional<Object> resolve(String username) {
    return Optional.ofNullable(usernames.get(normalizeUsername(username)));
  }

  public Optional<WorldChannel> channelByUsername(String username) {
    return resolve(username).filter(WorldChannel.class::isInstance).map(WorldChannel.class::cast);
  }

  public Optional<WorldUser> userByUsername(String username) {
    return resolve(username).filter(WorldUser.class::isInstance).map(WorldUser.class::cast);
  }

  public Optional<WorldChannel> channelByInviteHash(String hash) {
    return Optional.ofNullable(channelsByInvite.get(hash));
  }

  /** The broadcast channel whose discussion group is {@code group}, if any. */
  public Optional<WorldChannel> discussedChannel(WorldChannel group) {
    return Optional.ofNullable(discussionOf.get(group.id())).flatMap(this::channel);
  }

  /** The messages of a channel, oldest first. */
  public List<WorldMessage> messages(WorldChannel channel) {
    ConcurrentSkipListMap<Integer, WorldMessage> m = messages.get(channel.id());
    return m == null ? List.of() : List.copyOf(m.values());
  }

  public Optional<WorldMessage> message(WorldChannel channel, int id) {
    return message(channel.id(), id);
  }

  Optional<WorldMessage> message(long channelId, int id) {
    ConcurrentSkipListMap<Integer, WorldMessage> m = messages.get(channelId);
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(id));
  }

  ConcurrentSkipListMap<Integer, WorldMessage> messageMap(long channelId) {
    return messages.getOrDefault(channelId, new ConcurrentSkipListMap<>());
  }

  /** The automatic copy of a channel post in the channel's discussion group. */
  public Optional<WorldMessage> discussionCopy(WorldMessage post) {
    Integer id = discussionCopies.get(post.channelId() + "/" + post.id());
    if (id == null) {
      return Optional.empty();
    }
    return channel(post.channelId()).flatMap(c -> message(c.discussionGroupId(), id));
  }

  /** The comments under a channel post (messages of its discussion thread), oldest first. */
  public List<WorldMessage> comments(WorldMessage post) {
    Optional<WorldMessage> copy = discussionCopy(post);
    if (copy.isEmpty()) {
      return List.of();
    }
    int root = copy.get().id();
    return messageMap(copy.get().channelId()).values().stream().filter(m -> m.threadId() == root).toList();
  }

  public Optional<WorldDocument> document(long id) {
    return Optional.ofNullable(documents.get(id));
  }

  /** The topics of a forum, oldest first. */
  public List<WorldTopic> topics(WorldChannel forum) {
    ConcurrentSkipListMap<Integer, WorldTopic> t = topics.get(forum.id());
    return t == null ? List.of() : List.copyOf(t.values());
  }

  /** A topic of a forum by id (its creation message id). */
  public Optional<WorldTopic> topic(WorldChannel forum, int id) {
    ConcurrentSkipListMap<Integer, WorldTopic> t = topics.get(forum.id());
    return t == null ? Optional.empty() : Optional.ofNullable(t.get(id));
  }

  /** The messages of a topic, oldest first (the creation message first). */
  public List<WorldMessage> topicMessages(WorldTopic topic) {
    return messageMap(topic.channelId()).values().stream()
        .filter(m -> m.id() == topic.id() || m.topicId() == topic.id()).toList();
  }

  /** The stories of a user or channel, oldest first. */
  public List<WorldStory> stories(Object owner) {
    ConcurrentSkipListMap<Integer, WorldStory> s = stories.get(ownerKey(owner));
    return s == null ? List.of() : List.copyOf(s.values());
  }

  /** A story of a user or channel by id. */
  public Optional<WorldStory> story(Object owner, int id) {
    ConcurrentSkipListMap<Integer, WorldStory> s = stories.get(ownerKey(owner));
    return s == null ? Optional.empty() : Optional.ofNullable(s.get(id));
  }

  /**
   * Whether a story is gone for everyone but its owner: it was not pinned to the profile and its 24
   * hours are over ({@code stories.getStoriesByID} leaves it out, its t.me page answers 404).
   */
  public boolean isExpired(WorldStory story) {
    return !story.pinned() && now() >= story.expireDate();
  }

  /** The current value of a user or channel (after a {@link #rename}). */
  Object current(Object owner) {
    return owner instanceof WorldUser u ? users.getOrDefault(u.id(), u)
        : channels.getOrDefault(((WorldChannel) owner).id(), (WorldChannel) owner);
  }

  private static String ownerKey(Object owner) {
    if (owner instanceof WorldUser u) {
      return "u" + u.id();
    }
    if (owner instanceof WorldChannel c) {
      return "c" + c.id();
    }
    throw new IllegalArgumentException("not a user or channel: " + owner);
  }

  /** A link preview by id. */
  public Optional<WorldWebPage> webPage(long id) {
    return Optional.ofNullable(webPages.get(id));
  }

  public Optional<WorldPhoto> photo(long id) {
    return Optional.ofNullable(photos.get(id));
  }

  // ------------------------------------------------------------------ server-side state

  /** Sets when file references expire (default: {@link FileReferencePolicy#never()}). */
  public World fileReferencePolicy(FileReferencePolicy policy) {
    references.policy(Objects.requireNonNull(policy, "policy"));
    return this;
  }

  public FileReferencePolicy fileReferencePolicy() {
    return references.policy();
  }

  /**
   * The file reference a message fetched now carries for {@code media}: the current one, or a new
   * one if it expired.
   */
  public byte[] fileReference(WorldMedia media) {
    return references.current(media.id());
  }

  /** Expires every file reference issued so far: the next getFile with one answers FILE_REFERENCE_EXPIRED. */
  public World expireFileReferences() {
    references.expireAll();
    return this;
  }

  /**
   * Corrupts what every DC (and the CDN) serves of {@code media} in {@code [offset, offset +
   * length)}: those bytes are inverted, while {@link FileContent#sha256()}, {@code
   * upload.getFileHashes} and the CDN hashes keep describing the true content. For testing hash
   * verification.
   */
  public World corrupt(WorldMedia media, long offset, long length) {
    return corrupt(media, offset, length, Integer.MAX_VALUE);
  }

  /**
   * Like {@link #corrupt(WorldMedia, long, long)}, for the next {@code times} answers that touch
   * the range only ({@link Integer#MAX_VALUE}: until {@link #clearCorruption()}); after that the
   * true bytes are served again. A deterministic "one bad answer, then good ones".
   */
  public World corrupt(WorldMedia media, long offset, long length, int times) {
    if (offset < 0 || length < 1 || times < 1) {
      throw new IllegalArgumentException("bad range or count");
    }
    corruption.computeIfAbsent(media.id(), k -> new CopyOnWriteArrayList<>())
        .add(new Corruption(offset, length, new java.util.concurrent.atomic.AtomicInteger(times)));
    return this;
  }

  private record Corruption(long offset, long length, java.util.concurrent.atomic.AtomicInteger left) {}

  /** Removes every corruption. */
  public World clearCorruption() {
    corruption.clear();
    return this;
  }

  /** Applies the corruption of {@code mediaId} to {@code data}, which holds the bytes from {@code offset}. */
  void applyCorruption(long mediaId, long offset, byte[] data) {
    List<Corruption> ranges = corruption.get(mediaId);
    if (ranges == null) {
      return;
    }
    for (Corruption r : ranges) {
      long from = Math.max(offset, r.offset());
      long to = Math.min(offset + data.length, r.offset() + r.length());
      if (from >= to) {
        continue;
      }
      int left = r.left().getAndUpdate(v -> v == Integer.MAX_VALUE || v <= 0 ? v : v - 1);
      if (left <= 0) {
        ranges.remove(r);
        continue;
      }
      for (long p = from; p < to; p++) {
        data[(int) (p - offset)] ^= (byte) 0xFF;
      }
    }
  }

  /**
   * Drops a CDN-served document from the CDN: {@code upload.getCdnFile} answers {@code
   * upload.cdnFileReuploadNeeded} until the client calls {@code upload.reuploadCdnFile} on the
   * document's DC.
   */
  public World evictFromCdn(WorldDocument document) {
    cdnFiles.entry(document.id()).orElseThrow(() -> new IllegalArgumentException(document + " is not CDN-served"))
        .present().set(false);
    return this;
  }

  /**
   * Revokes the CDN file token of a CDN-served document: {@code upload.getCdnFile} with the token
   * handed out so far answers {@code FILE_TOKEN_INVALID}; the next redirect carries a new token.
   */
  public World revokeCdnToken(WorldDocument document) {
    cdnFiles.revoke(document.id());
    return this;
  }

  /** Whether the CDN holds a copy of {@code document}. */
  public boolean isOnCdn(WorldDocument document) {
    return cdnFiles.entry(document.id()).map(e -> e.present().get()).orElse(false);
  }

  /**
   * Accepts a QR login token as {@code user} would by scanning it on a logged-in device ({@code
   * auth.acceptLoginToken}): the client that exported it then gets {@code auth.loginTokenSuccess}
   * (or {@code auth.loginTokenMigrateTo}) on its next {@code auth.exportLoginToken}.
   *
   * @throws IllegalArgumentException if the token is unknown or expired
   */
  public World acceptLoginToken(byte[] token, WorldUser user) {
    auth.acceptLoginToken(token, user.id());
    return this;
  }

  /**
   * Requires {@code api_id}/{@code api_hash} in {@code auth.sendCode}, {@code
   * auth.importBotAuthorization} and {@code auth.exportLoginToken} to be these (default: any is
   * accepted); others answer {@code API_ID_INVALID}.
   */
  public World apiCredentials(int apiId, String apiHash) {
    this.apiHash = Objects.requireNonNull(apiHash, "apiHash");
    this.apiId = apiId;
    return this;
  }

  /** The required api_id, or 0 when any is accepted. */
  public int apiId() {
    return apiId;
  }

  /** The required api_hash, or empty when any is accepted. */
  public Optional<String> apiHash() {
    return Optional.ofNullable(apiHash);
  }

  boolean apiCredentialsValid(int id, String hash) {
    String required = apiHash;
    return required == null || (id == apiId && required.equals(hash));
  }

  // ------------------------------------------------------------------ internals

  private synchronized long randomLong() {
    long v;
    do {
      v = random.nextLong();
    } while (v == 0);
    return v;
  }

  private synchronized byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /**
   * {@code value}, when it is the object this world holds under its id in {@code index}; an
   * IllegalArgumentException naming it otherwise (an object of another world, or a null).
   */
  private static <T> T requireOwn(Map<Long, T> index, T value, long id) {
    if (index.get(id) != value) {
      throw new IllegalArgumentException(value + " is not in this world");
    }
    return value;
  }

  /** {@code media} (a photo or a document), when it belongs to this world. */
  private WorldMedia requireOwnMedia(WorldMedia media) {
    Objects.requireNonNull(media, "media");
    return media instanceof WorldDocument d ? requireOwn(documents, d, d.id()) : requireOwn(photos, (WorldPhoto) media, media.id());
  }

  private WorldChannel requireChannel(WorldChannel channel) {
    Objects.requireNonNull(channel, "channel");
    WorldChannel current = channels.get(channel.id());
    if (current == null) {
      throw new IllegalArgumentException(channel + " is not in this world");
    }
    return current;
  }

  private static String digits(String phone) {
    return phone == null ? "" : phone.replaceAll("[^0-9]", "");
  }

  static String normalizeUsername(String username) {
    String u = username.startsWith("@") ? username.substring(1) : username;
    return u.toLowerCase(Locale.ROOT);
  }

  private void claimUsername(String username, Object owner) {
    if (!USERNAME.matcher(username).matches()) {
      throw new IllegalArgumentException("invalid username " + username);
    }
    if (usernames.putIfAbsent(normalizeUsername(username), owner) != null) {
      throw new IllegalArgumentException("username @" + username + " is taken");
    }
  }

  private static int checkDc(int dc) {
    if (dc < 1 || dc > 1000) {
      throw new IllegalArgumentException("bad DC " + dc);
    }
    return dc;
  }

  // ------------------------------------------------------------------ builders

  /** Builds a {@link WorldUser}; {@link #create()} adds it to the world. */
  public final class UserBuilder {
    private final boolean bot;
    private String firstName;
    private String lastName;
    private String username;
    private String phone;
    private int dc = 1;
    private String token;
    private String password;
    private String loginCode = DEFAULT_LOGIN_CODE;

    private UserBuilder(String name, boolean bot) {
      this.firstName = name;
      this.bot = bot;
    }

    public UserBuilder firstName(String firstName) {
      this.firstName = Objects.requireNonNull(firstName);
      return this;
    }

    public UserBuilder lastName(String lastName) {
      this.lastName = lastName;
      return this;
    }

    /** A public username (5 to 32 characters: letters, digits, underscores). */
    public UserBuilder username(String username) {
      this.username = username;
      return this;
    }

    /** The phone number users log in with ({@code auth.sendCode}); not for bots. */
    public UserBuilder phone(String phone) {
      if (bot) {
        throw new IllegalStateException("bots have no phone");
      }
      this.phone = digits(phone);
      return this;
    }

    /** The home DC (default 1). */
    public UserBuilder dc(int dc) {
      this.dc = checkDc(dc);
      return this;
    }

    /** The bot token's secret part (the token is {@code id:secret}); derived from the world's seed unless set. */
    public UserBuilder tokenSecret(String secret) {
      if (!bot) {
        throw new IllegalStateException("only bots have tokens");
      }
      this.token = Objects.requireNonNull(secret);
      return this;
    }

    /** A 2FA password: sign-in then needs the SRP check ({@code SESSION_PASSWORD_NEEDED}). */
    public UserBuilder password(String password) {
      this.password = password;
      return this;
    }

    /** The code {@code auth.signIn} accepts (default {@value World#DEFAULT_LOGIN_CODE}). */
    public UserBuilder loginCode(String code) {
      this.loginCode = Objects.requireNonNull(code);
      return this;
    }

    public WorldUser create() {
      synchronized (World.this) {
        if (phone != null && usersByPhone.containsKey(phone)) {
          throw new IllegalArgumentException("phone " + phone + " is taken");
        }
        long id = USER_IDS + nextUser++ * 13;
        String botToken = null;
        if (bot) {
          String secret = token != null ? token
              : Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(26)).substring(0, 35);
          botToken = id + ":" + secret;
        }
        WorldUser user = new WorldUser(id, randomLong(), firstName, lastName, username, phone, dc, bot, botToken,
            password, loginCode, randomBytes(40), randomBytes(16));
        if (username != null) {
          claimUsername(username, user);
        }
        users.put(id, user);
        if (phone != null) {
          usersByPhone.put(phone, user);
        }
        if (botToken != null) {
          botsByToken.put(botToken, user);
        }
        return user;
      }
    }
  }

  /** Builds a {@link WorldChannel}; {@link #create()} adds it to the world. */
  public final class ChannelBuilder {
    private final String username;
    private String title;
    private String inviteHash;
    private boolean megagroup;
    private int dc = 1;
    private Integer date;
    private WorldChannel discussionGroup;
    private final Set<Long> members = new LinkedHashSet<>();
    private boolean forum;
    private String about;
    private WorldPhoto photo;

    private ChannelBuilder(String username, String title) {
      this.username = username;
      this.title = title != null ? title : username;
    }

    public ChannelBuilder title(String title) {
      this.title = Objects.requireNonNull(title);
      return this;
    }

    /** The DC the channel lives on (default 1). */
    public ChannelBuilder dc(int dc) {
      this.dc = checkDc(dc);
      return this;
    }

    /** A megagroup (supergroup) instead of a broadcast channel. */
    public ChannelBuilder megagroup() {
      this.megagroup = true;
      return this;
    }

    /** A forum: a megagroup with topics ({@link World#topic}); implies {@link #megagroup()}. */
    public ChannelBuilder forum() {
      this.megagroup = true;
      this.forum = true;
      return this;
    }

    /** The description, shown in invite previews and on t.me's invite page. */
    public ChannelBuilder about(String about) {
      this.about = Objects.requireNonNull(about);
      return this;
    }

    /** The profile photo (a photo of this world), shown in invite previews. */
    public ChannelBuilder photo(WorldPhoto photo) {
      this.photo = requireOwn(photos, Objects.requireNonNull(photo, "photo"), photo.id());
      return this;
    }

    /** The invite hash of a private channel (derived from the world's seed unless set). */
    public ChannelBuilder inviteHash(String hash) {
      if (username != null) {
        throw new IllegalStateException("public channels have no invite hash here");
      }
      this.inviteHash = Objects.requireNonNull(hash);
      return this;
    }

    /** Creation date, unix seconds (default: now). */
    public ChannelBuilder date(int date) {
      this.date = date;
      return this;
    }

    /** Users (and bots) who joined: the only ones who may read a private channel. */
    public ChannelBuilder members(WorldUser... users) {
      for (WorldUser u : users) {
        members.add(u.id());
      }
      return this;
    }

    /**
     * Links a megagroup as this broadcast channel's discussion group: every post gets a copy
     * there, and comments ({@link World#comment}) go there.
     */
    public ChannelBuilder discussionGroup(WorldChannel group) {
      if (!group.isMegagroup()) {
        throw new IllegalArgumentException(group + " is not a megagroup");
      }
      this.discussionGroup = group;
      return this;
    }

    public WorldChannel create() {
      if (megagroup && discussionGroup != null) {
        throw new IllegalStateException("a megagroup cannot have a discussion group");
      }
      synchronized (World.this) {
        if (discussionGroup != null) {
          requireChannel(discussionGroup);
          if (discussionOf.containsKey(discussionGroup.id())) {
            throw new IllegalArgumentException(discussionGroup + " already discusses another channel");
          }
        }
        long id = CHANNEL_IDS + nextChannel++ * 17;
        String invite = null;
        if (username == null) {
          invite = inviteHash != null ? inviteHash
              : Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(12));
        }
        WorldChannel channel = new WorldChannel(id, randomLong(), title, username, invite, megagroup, dc,
            date != null ? date : now(), discussionGroup == null ? 0 : discussionGroup.id(), members, forum, about,
            photo);
        if (username != null) {
          claimUsername(username, channel);
        }
        channels.put(id, channel);
        messages.put(id, new ConcurrentSkipListMap<>());
        nextMessageId.put(id, 1);
        if (invite != null) {
          channelsByInvite.put(invite, channel);
        }
        if (discussionGroup != null) {
          discussionOf.put(discussionGroup.id(), id);
        }
        return channel;
      }
    }
  }

  /** Builds a {@link WorldDocument}; {@link #create()} adds it to the world. */
  public final class DocumentBuilder {
    private final String fileName;
    private final FileContent content;
    private String mimeType = "application/octet-stream";
    private int dc = 1;
    private Integer date;
    private WorldDocument.Video video;
    private final List<WorldPhotoSize> thumbs = new ArrayList<>();
    private boolean cdn;
    private boolean cdnReuploadNeeded;

    private DocumentBuilder(String fileName, FileContent content) {
      this.fileName = fileName;
      this.content = Objects.requireNonNull(content, "content");
    }

    public DocumentBuilder mimeType(String mimeType) {
      this.mimeType = Objects.requireNonNull(mimeType);
      return this;
    }

    /** The DC storing the bytes (default 1). */
    public DocumentBuilder dc(int dc) {
      this.dc = checkDc(dc);
      return this;
    }

    public DocumentBuilder date(int date) {
      this.date = date;
      return this;
    }

    /** Video attributes ({@code documentAttributeVideo}). */
    public DocumentBuilder video(double durationSeconds, int w, int h, boolean supportsStreaming) {
      this.video = new WorldDocument.Video(durationSeconds, w, h, supportsStreaming);
      return this;
    }

    /** Changes the duration of a video. */
    public DocumentBuilder duration(double seconds) {
      WorldDocument.Video v = requireVideo();
      this.video = new WorldDocument.Video(seconds, v.w(), v.h(), v.supportsStreaming());
      return this;
    }

    /** Changes the dimensions of a video. */
    public DocumentBuilder size(int w, int h) {
      WorldDocument.Video v = requireVideo();
      this.video = new WorldDocument.Video(v.durationSeconds(), w, h, v.supportsStreaming());
      return this;
    }

    /** Changes whether a video supports streaming. */
    public DocumentBuilder supportsStreaming(boolean streaming) {
      WorldDocument.Video v = requireVideo();
      this.video = new WorldDocument.Video(v.durationSeconds(), v.w(), v.h(), streaming);
      return this;
    }

    private WorldDocument.Video requireVideo() {
      if (video == null) {
        throw new IllegalStateException("not a video: call video(...) first");
      }
      return video;
    }

    /** Adds a thumbnail. */
    public DocumentBuilder thumb(WorldPhotoSize thumb) {
      thumbs.add(Objects.requireNonNull(thumb));
      return this;
    }

    /** Serves the document through the CDN (when the cluster has a CDN DC). */
    public DocumentBuilder cdn(boolean cdn) {
      this.cdn = cdn;
      return this;
    }

    /**
     * Starts the document absent from the CDN: {@code upload.getCdnFile} answers {@code
     * upload.cdnFileReuploadNeeded} until {@code upload.reuploadCdnFile}. Implies {@link #cdn}.
     */
    public DocumentBuilder cdnReuploadNeeded(boolean needed) {
      this.cdnReuploadNeeded = needed;
      if (needed) {
        this.cdn = true;
      }
      return this;
    }

    public WorldDocument create() {
      synchronized (World.this) {
        long id = DOCUMENT_IDS + nextDocument++ * 104_729;
        WorldDocument d = new WorldDocument(id, randomLong(), dc, date != null ? date : now(), fileName, mimeType,
            content, video, thumbs, cdn);
        documents.put(id, d);
        if (cdn) {
          cdnFiles.register(d, !cdnReuploadNeeded);
        }
        return d;
      }
    }
  }

  /** Builds a {@link WorldPhoto}; {@link #create()} adds it to the world. */
  public final class PhotoBuilder {
    private int dc = 1;
    private Integer date;
    private long seed;
    private final List<WorldPhotoSize> sizes = new ArrayList<>();

    private PhotoBuilder() {}

    /** The DC storing the bytes (default 1). */
    public PhotoBuilder dc(int dc) {
      this.dc = checkDc(dc);
      return this;
    }

    public PhotoBuilder date(int date) {
      this.date = date;
      return this;
    }

    /** Adds a size (smallest first); without any, the photo gets JPEG sizes s, m and x. */
    public PhotoBuilder size(WorldPhotoSize size) {
      sizes.add(Objects.requireNonNull(size));
      return this;
    }

    /** Adds a size holding {@code content}. */
    public PhotoBuilder size(String type, int w, int h, FileContent content) {
      return size(new WorldPhotoSize(type, w, h, content));
    }

    /** The seed of the default JPEG sizes. */
    public PhotoBuilder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public WorldPhoto create() {
      List<WorldPhotoSize> s = new ArrayList<>(sizes);
      if (s.isEmpty()) {
        s.add(WorldPhotoSize.jpeg("s", 100, 75, seed));
        s.add(WorldPhotoSize.jpeg("m", 320, 240, seed));
        s.add(WorldPhotoSize.jpeg("x", 800, 600, seed));
      }
      synchronized (World.this) {
        long id = PHOTO_IDS + nextPhoto++ * 130_363;
        WorldPhoto p = new WorldPhoto(id, randomLong(), dc, date != null ? date : now(), s);
        photos.put(id, p);
        return p;
      }
    }
  }

  /** Builds a {@link WorldMessage}; {@link #create()} adds it to its channel. */
  public final class MessageBuilder {
    private final WorldChannel channel;
    private String text = "";
    private WorldMedia media;
    private long groupedId;
    private long fromUserId;
    private int replyTo;
    private int replyToTop;
    private Integer date;
    private int views = 1;
    private WorldTopic topic;
    private WorldWebPage webPage;

    private MessageBuilder(WorldChannel channel) {
      this.channel = channel;
    }

    /** The text, or the caption of the media. */
    public MessageBuilder text(String text) {
      this.text = Objects.requireNonNull(text);
      return this;
    }

    /** A document or photo created in this world. */
    public MessageBuilder media(WorldMedia media) {
      this.media = requireOwnMedia(media);
      return this;
    }

    /** The album id (see {@link World#album} for the usual way). */
    public MessageBuilder groupedId(long groupedId) {
      this.groupedId = groupedId;
      return this;
    }

    /** The author, for megagroup messages. */
    public MessageBuilder from(WorldUser user) {
      if (!channel.isMegagroup()) {
        throw new IllegalStateException("broadcast posts have no author here");
      }
      this.fromUserId = user.id();
      return this;
    }

    /** Replies to message {@code id} of the same channel. */
    public MessageBuilder replyTo(int id) {
      this.replyTo = id;
      return this;
    }

    /** The thread root when replying inside a thread to another message of it. */
    public MessageBuilder replyToTop(int id) {
      this.replyToTop = id;
      return this;
    }

    public MessageBuilder date(int date) {
      this.date = date;
      return this;
    }

    /**
     * Posts in a forum topic: the message's {@code reply_to} has {@code forum_topic} and {@code
     * reply_to_msg_id} = the topic id, or, with {@link #replyTo} another message of the topic,
     * {@code reply_to_msg_id} = that message and {@code reply_to_top_id} = the topic id (as
     * Telegram sets them).
     */
    public MessageBuilder topic(WorldTopic topic) {
      if (topic.channelId() != channel.id()) {
        throw new IllegalArgumentException(topic + " is not in " + channel);
      }
      this.topic = topic;
      return this;
    }

    /** A link preview instead of media ({@code messageMediaWebPage}); put its URL in the text too. */
    public MessageBuilder webPage(WorldWebPage webPage) {
      this.webPage = requireOwn(webPages, Objects.requireNonNull(webPage, "webPage"), webPage.id());
      return this;
    }

    public MessageBuilder views(int views) {
      this.views = views;
      return this;
    }

    public WorldMessage create() {
      synchronized (World.this) {
        if (replyTo != 0 && message(channel.id(), replyTo).isEmpty()) {
          throw new IllegalArgumentException("no message " + replyTo + " in " + channel);
        }
        if (media != null && webPage != null) {
          throw new IllegalStateException("a message has media or a link preview, not both");
        }
        int d = date != null ? date : now();
        int to = replyTo;
        int top = replyToTop;
        if (topic != null) {
          if (replyTo == 0 || replyTo == topic.id()) {
            to = topic.id();
            top = 0;
          } else {
            top = topic.id();
          }
        }
        WorldMessage m = append(channel, text, media, groupedId, fromUserId, null, to, top, d, views, topic != null,
            null, webPage);
        WorldChannel current = channels.get(channel.id());
        if (current.discussionGroupId() != 0) {
          WorldChannel group = channels.get(current.discussionGroupId());
          WorldMessage copy = append(group, text, media, groupedId, 0,
              new WorldMessage.Forward(channel.id(), m.id(), d), 0, 0, d, 0, false, null, webPage);
          discussionCopies.put(channel.id() + "/" + m.id(), copy.id());
        }
        return m;
      }
    }
  }

  private WorldMessage append(WorldChannel channel, String text, WorldMedia media, long groupedId, long fromUserId,
      WorldMessage.Forward forward, int replyTo, int replyToTop, int date, int views, boolean forumTopic,
      String topicTitle, WorldWebPage webPage) {
    int id = nextMessageId.merge(channel.id(), 1, Integer::sum) - 1;
    WorldMessage m = new WorldMessage(channel.id(), id, date, text, media, groupedId, fromUserId, forward, replyTo,
        replyToTop, views, forumTopic, topicTitle, webPage);
    messages.get(channel.id()).put(id, m);
    return m;
  }

  /** Builds a {@link WorldStory}; {@link #create()} adds it to its owner's stories. */
  public final class StoryBuilder {
    private final Object owner;
    private WorldMedia media;
    private String caption = "";
    private boolean pinned = true;
    private Integer date;

    private StoryBuilder(Object owner) {
      this.owner = owner;
    }

    /** The photo or video (a document of this world). */
    public StoryBuilder media(WorldMedia media) {
      this.media = requireOwnMedia(media);
      return this;
    }

    public StoryBuilder caption(String caption) {
      this.caption = Objects.requireNonNull(caption);
      return this;
    }

    /** Whether it stays on the profile after its 24 hours (default true, so it stays readable). */
    public StoryBuilder pinned(boolean pinned) {
      this.pinned = pinned;
      return this;
    }

    public StoryBuilder date(int date) {
      this.date = date;
      return this;
    }

    public WorldStory create() {
      if (media == null) {
        throw new IllegalStateException("a story needs media");
      }
      synchronized (World.this) {
        ConcurrentSkipListMap<Integer, WorldStory> s = stories.computeIfAbsent(ownerKey(owner),
            k -> new ConcurrentSkipListMap<>());
        int id = s.isEmpty() ? 1 : s.lastKey() + 1;
        int d = date != null ? date : now();
        WorldStory story = new WorldStory(owner, id, d, d + STORY_SECONDS, caption, media, pinned);
        s.put(id, story);
        return story;
      }
    }
  }

  /** Builds a {@link WorldWebPage}; {@link #create()} adds it to the world. */
  public final class WebPageBuilder {
    private final String url;
    private String siteName;
    private String title;
    private String description;
    private WorldPhoto photo;
    private WorldDocument document;

    private WebPageBuilder(String url) {
      this.url = url;
    }

    public WebPageBuilder siteName(String siteName) {
      this.siteName = siteName;
      return this;
    }

    public WebPageBuilder title(String title) {
      this.title = title;
      return this;
    }

    public WebPageBuilder description(String description) {
      this.description = description;
      return this;
    }

    /** The preview photo (a photo of this world). */
    public WebPageBuilder photo(WorldPhoto photo) {
      this.photo = requireOwn(photos, Objects.requireNonNull(photo, "photo"), photo.id());
      return this;
    }

    /** The attached document, such as a video or a PDF (a document of this world). */
    public WebPageBuilder document(WorldDocument document) {
      this.document = requireOwn(documents, Objects.requireNonNull(document, "document"), document.id());
      return this;
    }

    public WorldWebPage create() {
      String type = document != null
          ? (document.video().isPresent() || document.mimeType().startsWith("video/") ? "video" : "document")
          : photo != null ? "photo" : "article";
      String display = url.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://", "");
      synchronized (World.this) {
        long id = WEB_PAGE_IDS + nextWebPage++ * 7_919;
        WorldWebPage page = new WorldWebPage(id, url, display, type, siteName, title, description, photo, document);
        webPages.put(id, page);
        return page;
      }
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
