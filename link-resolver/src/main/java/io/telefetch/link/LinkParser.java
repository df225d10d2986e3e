package io.telefetch.link;

import io.telefetch.link.LinkParseException.Reason;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The link grammar behind {@link TelegramLink#parse}: a hand-written scanner over the input that
 * keeps every position relative to the string as given, so that errors can point at it.
 */
final class LinkParser {
  /** The link domains; {@code www.} in front is accepted. */
  private static final Set<String> HOSTS = Set.of("t.me", "telegram.me", "telegram.dog");
  /** TDLib's bound for channel ids (10^12 - 2^31), a fact of Telegram's id space. */
  static final long MAX_CHANNEL_ID = 1_000_000_000_000L - (1L << 31);
  /** The longest phone number, E.164. */
  private static final int MAX_PHONE_DIGITS = 15;
  /** Invite hashes are short base64url strings; this bound is generous. */
  private static final int MAX_INVITE_HASH = 64;
  private static final int MAX_QUERY_PARAMETERS = 64;

  /** Links without media that t.me paths and tg:// hosts name alike, and what they are. */
  private static final Map<String, String> UNSUPPORTED_BOTH = Map.ofEntries(
      Map.entry("addstickers", "sticker_set"),
      Map.entry("addemoji", "emoji_set"),
      Map.entry("addtheme", "theme"),
      Map.entry("setlanguage", "language_pack"),
      Map.entry("share", "share"),
      Map.entry("proxy", "proxy"),
      Map.entry("socks", "proxy"),
      Map.entry("bg", "background"),
      Map.entry("login", "login_code"),
      Map.entry("invoice", "invoice"),
      Map.entry("confirmphone", "phone_confirmation"),
      Map.entry("addlist", "chat_folder"),
      Map.entry("boost", "boost"),
      Map.entry("giftcode", "premium_gift_code"),
      Map.entry("nft", "gift"));

  /** First path segments that name a link without media, and what it is. */
  private static final Map<String, String> UNSUPPORTED_PATHS = with(UNSUPPORTED_BOTH,
      "msg", "share", "iv", "instant_view", "$", "invoice", "m", "business_chat", "contact", "contact");

  /**
   * Whether {@code t.me/<name>} means something other than the username {@code name} (a proxy, a
   * sticker set...): such a username's canonical link is its {@code tg://resolve} form.
   */
  static boolean isReservedPath(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return UNSUPPORTED_PATHS.containsKey(lower) || lower.equals("c") || lower.equals("s")
        || lower.equals("joinchat");
  }

  /** tg:// hosts other than resolve, privatepost and join, and what they are. */
  private static final Map<String, String> UNSUPPORTED_TG = with(UNSUPPORTED_BOTH,
      "msg_url", "share", "message", "business_chat", "user", "user", "settings", "settings",
      "passport", "passport");

  /** {@code base} plus the {@code pairs} (key, value, key, value...). */
  private static Map<String, String> with(Map<String, String> base, String... pairs) {
    Map<String, String> all = new java.util.HashMap<>(base);
    for (int i = 0; i < pairs.length; i += 2) {
      all.put(pairs[i], pairs[i + 1]);
    }
    return Map.copyOf(all);
  }

  /** Query keys of a username link that make it a bot or app link, and what that is. */
  private static final Map<String, String> BOT_QUERIES = Map.ofEntries(
      Map.entry("start", "bot_start"),
      Map.entry("startgroup", "bot_add_to_chat"),
      Map.entry("startchannel", "bot_add_to_chat"),
      Map.entry("startapp", "web_app"),
      Map.entry("game", "game"),
      Map.entry("voicechat", "video_chat"),
      Map.entry("videochat", "video_chat"),
      Map.entry("livestream", "video_chat"),
      Map.entry("boost", "boost"),
      Map.entry("attach", "attachment_menu_bot"));

  private final String input;

  LinkParser(String input) {
    this.input = input;
  }

  TelegramLink parse() {
    if (input == null) {
      throw new LinkParseException(Reason.EMPTY, 0, "no link");
    }
    if (input.length() > TelegramLink.MAX_LENGTH) {
      throw new LinkParseException(Reason.TOO_LONG, TelegramLink.MAX_LENGTH,
          "longer than " + TelegramLink.MAX_LENGTH + " characters");
    }
    int start = 0;
    int end = input.length();
    while (start < end && isSpace(input.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(input.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      throw new LinkParseException(Reason.EMPTY, start, "no link");
    }
    for (int i = start; i < end; i++) {
      char c = input.charAt(i);
      if (c <= 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new LinkParseException(Reason.MALFORMED, i, "a space or control character");
      }
    }
    int fragment = input.indexOf('#', start);
    if (fragment >= 0 && fragment < end) {
      end = fragment;
    }
    String trimmed = input.substring(start, end);
    int schemeEnd = schemeEnd(start, end);
    if (schemeEnd >= 0) {
      String scheme = input.substring(start, schemeEnd).toLowerCase(Locale.ROOT);
      if (scheme.equals("tg")) {
        return parseTg(schemeEnd + 1, end, trimmed);
      }
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new LinkParseException(Reason.UNSUPPORTED_SCHEME, start,
            "scheme " + printable(scheme) + " (only http, https and tg)");
      }
      if (!input.startsWith("//", schemeEnd + 1)) {
        throw new LinkParseException(Reason.MALFORMED, schemeEnd + 1, "no // after the scheme");
      }
      return parseWeb(schemeEnd + 3, end, trimmed);
    }
    return parseWeb(start, end, trimmed);
  }

  /** The index of the ':' ending a URI scheme at {@code start}, or -1 if there is none. */
  private int schemeEnd(int start, int end) {
    for (int i = start; i < end; i++) {
      char c = input.charAt(i);
      if (c == ':') {
        boolean port = i + 1 < end && input.charAt(i + 1) >= '0' && input.charAt(i + 1) <= '9';
        return i > start && !port ? i : -1;
      }
      boolean schemeChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (i > start && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!schemeChar) {
        return -1;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- t.me, telegram.me, telegram.dog

  private TelegramLink parseWeb(int from, int end, String trimmed) {
    int hostEnd = from;
    while (hostEnd < end && "/?".indexOf(input.charAt(hostEnd)) < 0) {
      hostEnd++;
    }
    String host = input.substring(from, hostEnd).toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      throw new LinkParseException(Reason.FOREIGN_HOST, from, "no host");
    }
    if (host.indexOf('@') >= 0) {
      throw new LinkParseException(Reason.FOREIGN_HOST, from + host.indexOf('@'),
          "user info in the host");
    }
    if (host.indexOf(':') >= 0) {
      throw new LinkParseException(Reason.FOREIGN_HOST, from + host.indexOf(':'),
          "a port in the host");
    }
    int queryStart = input.indexOf('?', hostEnd);
    if (queryStart < 0 || queryStart >= end) {
      queryStart = end;
    }
    List<Segment> path = segments(hostEnd, queryStart);
    Query query = Query.parse(this, queryStart, end);

    String bare = host.startsWith("www.") ? host.substring(4) : host;
    if (!HOSTS.contains(bare)) {
      String subdomain = subdomainUsername(host);
      if (subdomain == null) {
        throw new LinkParseException(Reason.FOREIGN_HOST, from,
            "host " + printable(host) + " is not t.me, telegram.me or telegram.dog");
      }
      path.add(0, new Segment(subdomain, from));
    }
    return parsePath(path, query, trimmed, hostEnd);
  }

  /** {@code <username>.t.me}: the username, or null if the host is not of that form. */
  private static String subdomainUsername(String host) {
    if (!host.endsWith(".t.me")) {
      return null;
    }
    String name = host.substring(0, host.length() - ".t.me".length());
    return isValidUsername(name) ? name : null;
  }

  private record Segment(String text, int position) {}

  /** The path's segments between {@code from} (a '/' or the end) and {@code to}. */
  private List<Segment> segments(int from, int to) {
    List<Segment> segments = new ArrayList<>();
    if (from >= to) {
      return segments;
    }
    int i = from + 1; // skip the '/'
    while (true) {
      int slash = input.indexOf('/', i);
      int segEnd = slash < 0 || slash >= to ? to : slash;
      String text = input.substring(i, segEnd);
      boolean last = segEnd == to;
      if (text.isEmpty()) {
        if (last && !segments.isEmpty()) {
          return segments; // one trailing slash
        }
        if (last) {
          return segments; // "t.me/"
        }
        throw new LinkParseException(Reason.MALFORMED, i, "an empty path segment");
      }
      segments.add(new Segment(text, i));
      if (segments.size() > 8) {
        throw new LinkParseException(Reason.MALFORMED, i, "too many path segments");
      }
      if (last) {
        return segments;
      }
      i = segEnd + 1;
    }
  }

  private TelegramLink parsePath(List<Segment> path, Query query, String trimmed, int hostEnd) {
    if (path.isEmpty()) {
      throw new LinkParseException(Reason.MISSING_PARAMETER, hostEnd, "no username or path");
    }
    Segment first = path.get(0);
    String keyword = first.text().toLowerCase(Locale.ROOT);
    int n = path.size();
    switch (keyword) {
      case "c": {
        if (n < 2) {
          throw missing(first.position() + 1, "the channel id of a /c/ link");
        }
        if (n < 3) {
          throw missing(path.get(1).position() + path.get(1).text().length(),
              "the message id of a /c/ link");
        }
        if (n > 4) {
          throw tooMany(path.get(4));
        }
        long channel = channelId(path.get(1));
        int msg = id(path.get(n - 1), "message id");
        OptionalInt topic = n == 4 ? OptionalInt.of(id(path.get(2), "topic id")) : OptionalInt.empty();
        return new TelegramLink.PrivatePost(channel, msg, postOptions(query, topic));
      }
      case "s": {
        if (n < 2) {
          throw missing(first.position() + 1, "the username of a /s/ link");
        }
        if (n > 3) {
          throw tooMany(path.get(3));
        }
        String username = username(path.get(1));
        if (n == 2) {
          return new TelegramLink.Username(username);
        }
        return new TelegramLink.Post(username, id(path.get(2), "message id"),
            postOptions(query, OptionalInt.empty()));
      }
      case "joinchat": {
        if (n < 2) {
          throw missing(first.position() + first.text().length(), "the invite hash");
        }
        if (n > 2) {
          throw tooMany(path.get(2));
        }
        return new TelegramLink.Invite(inviteHash(path.get(1).text(), path.get(1).position()));
      }
      default:
        break;
    }
    if (keyword.startsWith("+")) {
      if (n > 1) {
        throw tooMany(path.get(1));
      }
      String rest = first.text().substring(1);
      int at = first.position() + 1;
      if (rest.isEmpty()) {
        throw missing(at, "the invite hash or phone number after +");
      }
      if (allDigits(rest)) {
        return new TelegramLink.Phone(phone(rest, at));
      }
      return new TelegramLink.Invite(inviteHash(rest, at));
    }
    String what = keyword.startsWith("$") ? "invoice" : UNSUPPORTED_PATHS.get(keyword);
    if (what != null) {
      return new TelegramLink.Unsupported(what, trimmed);
    }
    String username = username(first);
    if (n == 1) {
      for (Map.Entry<String, String> bot : BOT_QUERIES.entrySet()) {
        if (query.has(bot.getKey())) {
          return new TelegramLink.Unsupported(bot.getValue(), trimmed);
        }
      }
      return new TelegramLink.Username(username);
    }
    Segment second = path.get(1);
    if (n == 2) {
      if (second.text().equalsIgnoreCase("s")) {
        throw missing(second.position() + 1, "the story id");
      }
      if (!startsWithDigit(second.text()) && isAppName(second.text())) {
        return new TelegramLink.Unsupported("web_app", trimmed);
      }
      return new TelegramLink.Post(username, id(second, "message id"),
          postOptions(query, OptionalInt.empty()));
    }
    if (n > 3) {
      throw tooMany(path.get(3));
    }
    if (second.text().equalsIgnoreCase("s")) {
      return new TelegramLink.Story(username, id(path.get(2), "story id"));
    }
    int topic = id(second, "topic id");
    return new TelegramLink.Post(username, id(path.get(2), "message id"),
        postOptions(query, OptionalInt.of(topic)));
  }

  // --------------------------------------------------------------------------------------- tg://

  private TelegramLink parseTg(int from, int end, String trimmed) {
    int i = from;
    if (input.startsWith("//", i)) {
      i += 2;
    }
    int hostEnd = i;
    while (hostEnd < end && "/?".indexOf(input.charAt(hostEnd)) < 0) {
      hostEnd++;
    }
    String host = input.substring(i, hostEnd).toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      throw missing(i, "the tg:// link's action");
    }
    for (int k = 0; k < host.length(); k++) {
      char c = host.charAt(k);
      if (!((c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'))) {
        throw new LinkParseException(Reason.MALFORMED, i + k, "a tg:// action of letters and _");
      }
    }
    int queryStart = hostEnd;
    if (queryStart < end && input.charAt(queryStart) == '/') {
      queryStart++; // tg://resolve/?domain=...
      if (queryStart < end && input.charAt(queryStart) != '?') {
        throw new LinkParseException(Reason.MALFORMED, queryStart, "a path after a tg:// action");
      }
    }
    Query query = Query.parse(this, queryStart, end);
    switch (host) {
      case "resolve":
        return parseResolve(query, trimmed, i);
      case "privatepost": {
        Query.Param channel = query.require("channel", hostEnd);
        Query.Param post = query.require("post", hostEnd);
        long channelId = channelId(new Segment(channel.value(), channel.position()));
        int msg = id(new Segment(post.value(), post.position()), "post");
        return new TelegramLink.PrivatePost(channelId, msg, postOptions(query, OptionalInt.empty()));
      }
      case "join": {
        Query.Param invite = query.require("invite", hostEnd);
        return new TelegramLink.Invite(inviteHash(invite.value(), invite.position()));
      }
      default:
        return new TelegramLink.Unsupported(UNSUPPORTED_TG.getOrDefault(host, "unknown"), trimmed);
    }
  }

  private TelegramLink parseResolve(Query query, String trimmed, int at) {
    Query.Param phone = query.get("phone");
    Query.Param domain = query.get("domain");
    if (phone != null) {
      if (domain != null) {
        throw new LinkParseException(Reason.INVALID_QUERY, phone.position(),
            "both domain and phone");
      }
      String digits = phone.value().startsWith("+") ? phone.value().substring(1) : phone.value();
      if (!allDigits(digits) || digits.isEmpty()) {
        throw new LinkParseException(Reason.INVALID_QUERY, phone.position(),
            "phone is not a number");
      }
      return new TelegramLink.Phone(phone(digits, phone.position()));
    }
    if (domain == null) {
      throw missing(at, "domain= of tg://resolve");
    }
    String username = username(new Segment(domain.value(), domain.position()));
    Query.Param story = query.get("story");
    Query.Param post = query.get("post");
    if (story != null) {
      if (post != null) {
        throw new LinkParseException(Reason.INVALID_QUERY, post.position(), "both post and story");
      }
      return new TelegramLink.Story(username, id(new Segment(story.value(), story.position()),
          "story id"));
    }
    if (post != null) {
      return new TelegramLink.Post(username, id(new Segment(post.value(), post.position()), "post"),
          postOptions(query, OptionalInt.empty()));
    }
    for (Map.Entry<String, String> bot : BOT_QUERIES.entrySet()) {
      if (query.has(bot.getKey())) {
        return new TelegramLink.Unsupported(bot.getValue(), trimmed);
      }
    }
    return new TelegramLink.Username(username);
  }

  // ------------------------------------------------------------------------------- the pieces

  private PostOptions postOptions(Query query, OptionalInt pathThread) {
    OptionalInt thread = pathThread;
    Query.Param threadParam = query.get("thread");
    if (threadParam == null) {
      threadParam = query.get("topic");
    }
    if (threadParam != null) {
      int value = queryId(threadParam, "thread");
      if (pathThread.isPresent() && pathThread.getAsInt() != value) {
        throw new LinkParseException(Reason.INVALID_QUERY, threadParam.position(),
            "thread= differs from the topic in the path");
      }
      thread = OptionalInt.of(value);
    }
    Query.Param commentParam = query.get("comment");
    OptionalInt comment = commentParam == null
        ? OptionalInt.empty() : OptionalInt.of(queryId(commentParam, "comment"));
    Query.Param t = query.get("t");
    OptionalInt timestamp = t == null ? OptionalInt.empty() : OptionalInt.of(timestamp(t));
    return new PostOptions(thread, comment, query.has("single"), timestamp);
  }

  private int queryId(Query.Param param, String what) {
    try {
      return id(new Segment(param.value(), param.position()), what);
    } catch (LinkParseException e) {
      throw new LinkParseException(Reason.INVALID_QUERY, param.position(),
          what + "= is not a positive 32-bit number");
    }
  }

  /** {@code t=}: seconds, or {@code 1h2m3s} with each unit at most once, in that order. */
  private int timestamp(Query.Param param) {
    String v = param.value();
    if (!v.isEmpty() && allDigits(v)) {
      return (int) positiveOrZero(v, param.position());
    }
    long total = 0;
    int i = 0;
    String units = "hms";
    int nextUnit = 0;
    while (i < v.length()) {
      int digitsStart = i;
      while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
        i++;
      }
      if (i == digitsStart || i == v.length() || i - digitsStart > 9) {
        throw new LinkParseException(Reason.INVALID_QUERY, param.position(),
            "t= is not a time like 90 or 1m30s");
      }
      int unit = units.indexOf(Character.toLowerCase(v.charAt(i)), nextUnit);
      if (unit < 0) {
        throw new LinkParseException(Reason.INVALID_QUERY, param.position(),
            "t= is not a time like 90 or 1m30s");
      }
      long amount = Long.parseLong(v.substring(digitsStart, i));
      total += amount * (unit == 0 ? 3600 : unit == 1 ? 60 : 1);
      nextUnit = unit + 1;
      i++;
    }
    if (v.isEmpty() || total > Integer.MAX_VALUE) {
      throw new LinkParseException(Reason.INVALID_QUERY, param.position(),
          "t= is not a time like 90 or 1m30s");
    }
    return (int) total;
  }

  private String username(Segment segment) {
    if (!isValidUsername(segment.text())) {
      throw new LinkParseException(Reason.INVALID_USERNAME, segment.position(),
          "not a username: 3-32 letters, digits and _, starting with a letter, no __ and no _ at"
              + " the end");
    }
    return segment.text();
  }

  /** Telegram's username rules: 3..32 of [A-Za-z0-9_], a letter first, no "__", no '_' last. */
  static boolean isValidUsername(String name) {
    int n = name.length();
    if (n < 3 || n > 32 || !isAsciiLetter(name.charAt(0)) || name.charAt(n - 1) == '_') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
      if (c == '_' && name.charAt(i - 1) == '_') {
        return false;
      }
    }
    return true;
  }

  /** A mini app's short name after a bot's username: 1..64 of [A-Za-z0-9_]. */
  private static boolean isAppName(String name) {
    if (name.isEmpty() || name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static String inviteHash(String hash, int at) {
    if (hash.isEmpty()) {
      throw new LinkParseException(Reason.MISSING_PARAMETER, at, "no invite hash");
    }
    if (hash.length() > MAX_INVITE_HASH) {
      throw new LinkParseException(Reason.MALFORMED, at + MAX_INVITE_HASH,
          "an invite hash longer than " + MAX_INVITE_HASH);
    }
    for (int i = 0; i < hash.length(); i++) {
      char c = hash.charAt(i);
      if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        throw new LinkParseException(Reason.MALFORMED, at + i,
            "an invite hash of letters, digits, _ and -");
      }
    }
    return hash;
  }

  private static String phone(String digits, int at) {
    if (digits.length() < 3 || digits.length() > MAX_PHONE_DIGITS) {
      throw new LinkParseException(Reason.MALFORMED, at, "a phone number of 3 to 15 digits");
    }
    return digits;
  }

  private static int id(Segment segment, String what) {
    return (int) positive(segment.text(), Integer.MAX_VALUE, segment.position(), Reason.INVALID_ID,
        what);
  }

  private static long channelId(Segment segment) {
    return positive(segment.text(), MAX_CHANNEL_ID, segment.position(), Reason.INVALID_ID,
        "channel id");
  }

  /** A decimal number in 1..max, digits only (no sign). */
  private static long positive(String text, long max, int at, Reason reason, String what) {
    if (text.isEmpty()) {
      throw new LinkParseException(reason, at, what + " is empty");
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new LinkParseException(reason, at + i, what + " is not a number");
      }
      value = value * 10 + (c - '0');
      if (value > max) {
        throw new LinkParseException(reason, at, what + " is larger than " + max);
      }
    }
    if (value == 0) {
      throw new LinkParseException(reason, at, what + " is not positive");
    }
    return value;
  }

  /** {@code t=} in seconds: digits only, 0..2^31-1. */
  private static long positiveOrZero(String text, int at) {
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      value = value * 10 + (text.charAt(i) - '0');
      if (value > Integer.MAX_VALUE) {
        throw new LinkParseException(Reason.INVALID_QUERY, at, "t= is larger than 2^31-1");
      }
    }
    return value;
  }

  private static LinkParseException missing(int at, String what) {
    return new LinkParseException(Reason.MISSING_PARAMETER, at, "missing " + what);
  }

  private static LinkParseException tooMany(Segment extra) {
    return new LinkParseException(Reason.MALFORMED, extra.position(),
        "more path segments than any link form has");
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithDigit(String s) {
    return !s.isEmpty() && s.charAt(0) >= '0' && s.charAt(0) <= '9';
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u200b'
        || c == '\ufeff';
  }

  /** At most 40 printable ASCII characters of {@code s}, for messages. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length() && i < 40; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.append(s.length() > 40 ? "...\"" : "\"").toString();
  }

  // ------------------------------------------------------------------------------------ query

  /** A parsed query string: each key once (a repeated key is an error), values percent-decoded. */
  private static final class Query {
    record Param(String value, int position) {}

    private final Map<String, Param> params = new LinkedHashMap<>();

    static Query parse(LinkParser p, int from, int end) {
      Query q = new Query();
      if (from >= end) {
        return q;
      }
      if (p.input.charAt(from) != '?') {
        throw new LinkParseException(Reason.MALFORMED, from, "expected ? before the query");
      }
      int i = from + 1;
      while (i <= end) {
        int amp = p.input.indexOf('&', i);
        int partEnd = amp < 0 || amp >= end ? end : amp;
        if (partEnd > i) {
          int eq = p.input.indexOf('=', i);
          String key;
          String value;
          if (eq >= 0 && eq < partEnd) {
            key = decode(p.input, i, eq);
            value = decode(p.input, eq + 1, partEnd);
          } else {
            key = decode(p.input, i, partEnd);
            value = "";
          }
          key = key.toLowerCase(Locale.ROOT);
          if (q.params.containsKey(key)) {
            throw new LinkParseException(Reason.INVALID_QUERY, i, "a repeated query parameter");
          }
          if (q.params.size() == MAX_QUERY_PARAMETERS) {
            throw new LinkParseException(Reason.INVALID_QUERY, i, "too many query parameters");
          }
          q.params.put(key, new Param(value, eq >= 0 && eq < partEnd ? eq + 1 : i));
        }
        i = partEnd + 1;
      }
      return q;
    }

    boolean has(String key) {
      return params.containsKey(key);
    }

    Param get(String key) {
      return params.get(key);
    }

    Param require(String key, int at) {
      Param param = params.get(key);
      if (param == null || param.value().isEmpty()) {
        throw missing(param == null ? at : param.position(), key + "=");
      }
      return param;
    }

    /** Percent-decodes {@code s[from, to)} as UTF-8; a malformed escape is an error. */
    private static String decode(String s, int from, int to) {
      int percent = s.indexOf('%', from);
      if (percent < 0 || percent >= to) {
        return s.substring(from, to);
      }
      byte[] raw = s.substring(from, to).getBytes(StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] != '%') {
          out.write(raw[i]);
          continue;
        }
        int hi = i + 1 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
        int lo = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new LinkParseException(Reason.INVALID_QUERY, from, "a malformed % escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      }
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
      } catch (CharacterCodingException e) {
        throw new LinkParseException(Reason.INVALID_QUERY, from, "a % escape that is not UTF-8");
      }
    }
  }
}
