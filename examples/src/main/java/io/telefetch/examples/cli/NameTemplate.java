package io.telefetch.examples.cli;

import io.telefetch.media.SafeFileNames;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file name template: {@code {channel}}, {@code {msg}}, {@code {date}} (the message's UTC date,
 * {@code yyyy-MM-dd}), {@code {name}} (the file's own name without its extension), {@code {ext}}
 * (its extension, without the dot) and {@code {id}} (the media id). {@code /} in the template
 * makes subdirectories; every segment is made safe with {@link SafeFileNames#sanitise} after the
 * values are put in, so no value can leave the output directory.
 */
public final class NameTemplate {
  /** The default: the file's own name. */
  public static final String DEFAULT = "{name}.{ext}";

  private static final Pattern FIELD = Pattern.compile("\\{([a-z]+)}");
  private static final List<String> FIELDS = List.of("channel", "msg", "date", "name", "ext", "id");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final String template;

  private NameTemplate(String template) {
    this.template = template;
  }

  /**
   * Parses {@code template}.
   *
   * @throws CliException when it names an unknown field, is empty, or is an absolute path
   */
  public static NameTemplate parse(String template) {
    if (template == null || template.isBlank() || template.startsWith("/") || template.startsWith("\\")) {
      throw new CliException("invalid name template '" + template + "'",
          "use fields such as {channel}/{msg}_{name}.{ext}", CliException.USAGE, null);
    }
    Matcher m = FIELD.matcher(template);
    while (m.find()) {
      if (!FIELDS.contains(m.group(1))) {
        throw new CliException("unknown field {" + m.group(1) + "} in the name template",
            "the fields are {channel}, {msg}, {date}, {name}, {ext} and {id}", CliException.USAGE, null);
      }
    }
    return new NameTemplate(template);
  }

  /** Whether the template uses {@code field}. */
  public boolean uses(String field) {
    return template.contains("{" + field + "}");
  }

  /**
   * The values of one file.
   *
   * @param channel the channel's username, or its id
   * @param msg the message id (0: none)
   * @param date the message's date, or null
   * @param safeName the file's own name, made safe ({@link SafeFileNames#of})
   * @param id the media id
   */
  public record Values(String channel, int msg, Instant date, String safeName, long id) {}

  /** The path under {@code dir} for {@code v}. */
  public Path resolve(Path dir, Values v) {
    String name = v.safeName();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot + 1) : "";
    Map<String, String> values = Map.of("channel", v.channel(), "msg", v.msg() == 0 ? "" : Integer.toString(v.msg()),
        "date", v.date() == null ? "" : DATE.format(v.date()), "name", stem, "ext", ext,
        "id", Long.toUnsignedString(v.id()));
    List<String> segments = new ArrayList<>();
    for (String segment : template.split("[/\\\\]")) {
      StringBuilder out = new StringBuilder();
      Matcher m = FIELD.matcher(segment);
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1)).replace('/', '_').replace('\\', '_')));
      }
      m.appendTail(out);
      String safe = SafeFileNames.sanitise(out.toString());
      if (!safe.isEmpty()) {
        segments.add(safe);
      }
    }
    if (segments.isEmpty()) {
      segments.add(name);
    }
    Path p = dir;
    for (String s : segments) {
      p = p.resolve(s);
    }
    return p;
  }

  @Override
  public String toString() {
    return template;
  }
}
