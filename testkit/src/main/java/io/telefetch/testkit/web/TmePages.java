package io.telefetch.testkit.web;

import static io.telefetch.testkit.web.Html.esc;

import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldMedia;
import io.telefetch.testkit.world.WorldStory;
import io.telefetch.testkit.world.WorldWebPage;
import io.telefetch.testkit.world.WorldPhoto;
import io.telefetch.testkit.world.WorldPhotoSize;
import io.telefetch.testkit.world.WorldUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Renders the t.me pages of a {@link World} as HTML strings: post page, embed widget, {@code /s/}
 * preview, channel page and the not-found page. Pure functions of the world's current state;
 * every value taken from the world is HTML-escaped.
 */
final class TmePages {
  /** How many entries (posts, an album counting once) the {@code /s/} preview shows per page. */
  static final int PREVIEW_PAGE = 20;

  private final World world;
  private final String base;

  /** @param base the server's base URL without a trailing slash, e.g. {@code http://127.0.0.1:8080} */
  TmePages(World world, String base) {
    this.world = world;
    this.base = base;
  }

  // ------------------------------------------------------------------ URLs

  String channelUrl(String username) {
    return base + "/" + username;
  }

  String postUrl(String username, int id) {
    return base + "/" + username + "/" + id;
  }

  String fileUrl(String username, WorldMessage m, WorldDocument d) {
    return base + "/_/file/" + username + "/" + m.id() + "/" + Html.segment(d.fileName().orElse("file"));
  }

  String photoUrl(String username, WorldMessage m, WorldPhotoSize size) {
    return base + "/_/photo/" + username + "/" + m.id() + "/" + Html.segment(size.type()) + ".jpg";
  }

  String thumbUrl(String username, WorldMessage m) {
    return base + "/_/thumb/" + username + "/" + m.id() + ".jpg";
  }

  String avatarUrl(String username) {
    return base + "/_/avatar/" + username + ".jpg";
  }

  String storyUrl(String username, WorldStory story) {
    return base + "/" + username + "/s/" + story.id();
  }

  /** The URL of a story's bytes: the document, the photo's largest size, or a video's thumbnail. */
  String storyMediaUrl(String username, WorldStory story, String what) {
    return base + "/_/story/" + username + "/" + story.id() + "/" + what;
  }

  String webPagePhotoUrl(String username, WorldMessage m, WorldPhotoSize size) {
    return base + "/_/webpage/" + username + "/" + m.id() + "/photo/" + Html.segment(size.type()) + ".jpg";
  }

  String webPageFileUrl(String username, WorldMessage m, WorldDocument d) {
    return base + "/_/webpage/" + username + "/" + m.id() + "/file/" + Html.segment(d.fileName().orElse("file"));
  }

  String inviteUrl(String hash) {
    return base + "/+" + hash;
  }

  String invitePhotoUrl(String hash) {
    return base + "/_/invite/" + hash + ".jpg";
  }

  String logoUrl() {
    return base + "/_/logo.jpg";
  }

  private static String tgResolve(String username, int post) {
    return "tg://resolve?domain=" + username + (post > 0 ? "&post=" + post : "");
  }

  // ------------------------------------------------------------------ post page

  /**
   * The page of post {@code m} of {@code channel} ({@code /username/id}): OpenGraph and Twitter
   * tags plus the rendered message. An album member shows the whole album unless {@code single}.
   */
  String postPage(WorldChannel channel, WorldMessage m, boolean single) {
    String username = channel.username().orElseThrow();
    List<WorldMessage> items = single ? List.of(m) : albumOf(channel, m);
    String caption = caption(items);
    Meta meta = Meta.openGraph(channel.title(), imageOf(username, m), caption);
    Optional<WorldDocument> video = m.document().filter(TmePages::isVideo);
    if (video.isPresent()) {
      WorldDocument d = video.get();
      meta.property("og:video", fileUrl(username, m, d));
      meta.property("og:video:type", d.mimeType());
      d.video().ifPresent(v -> {
        meta.property("og:video:width", Integer.toString(v.w()));
        meta.property("og:video:height", Integer.toString(v.h()));
      });
    }
    meta.property("twitter:title", channel.title());
    meta.property("twitter:image", imageOf(username, m));
    meta.property("twitter:site", "@Telegram");
    meta.property("twitter:description", caption);
    meta.property("al:ios:app_store_id", "686449807");
    meta.property("al:ios:app_name", "Telegram Messenger");
    meta.property("al:ios:url", tgResolve(username, m.id()));
    meta.property("al:android:url", tgResolve(username, m.id()));
    meta.property("al:android:app_name", "Telegram");
    meta.property("al:android:package", "org.telegram.messenger");
    if (video.isPresent()) {
      meta.name("twitter:card", "player");
      meta.name("twitter:player", postUrl(username, m.id()) + "?embed=1");
      video.get().video().ifPresent(v -> {
        meta.name("twitter:player:width", Integer.toString(v.w()));
        meta.name("twitter:player:height", Integer.toString(v.h()));
      });
    } else {
      meta.name("twitter:card", m.photo().isPresent() ? "summary_large_image" : "summary");
    }
    String url = postUrl(username, m.id()) + (single && m.groupedId().isPresent() ? "?single" : "");
    StringBuilder body = new StringBuilder();
    body.append("<div class=\"tgme_page tgme_page_post\">\n")
        .append("  <div class=\"tgme_page_widget\" data-telegram-post=\"").append(esc(username + "/" + m.id()))
        .append("\" data-width=\"100%\">\n");
    widget(body, channel, items, m);
    body.append("  </div>\n")
        .append("  <div class=\"tgme_page_widget_actions_wrap\"><div class=\"tgme_page_widget_actions\">")
        .append("<div class=\"tgme_page_widget_action_right\"><a class=\"tgme_action_button_new\" href=\"")
        .append(esc(tgResolve(username, m.id()))).append("\">View in Telegram</a></div></div></div>\n")
        .append("  <div class=\"tgme_page_context_link_wrap\"><a class=\"tgme_page_context_link\" href=\"")
        .append(esc(base + "/s/" + username)).append("\">Context</a></div>\n")
        .append("</div>\n");
    return page(channel.title() + " \u2013 Telegram", meta, url, body.toString());
  }

  /** The embed widget page ({@code ?embed=1}): the message alone, no OpenGraph tags, as t.me serves it in the iframe. */
  String embedPage(WorldChannel channel, WorldMessage m, boolean single) {
    List<WorldMessage> items = single ? List.of(m) : albumOf(channel, m);
    StringBuilder body = new StringBuilder();
    widget(body, channel, items, m);
    return embed(channel.title(), postUrl(channel.username().orElseThrow(), m.id()), body.toString());
  }

  /** The embed page of a post that does not exist (t.me's "Post not found" widget). */
  String embedNotFound() {
    return embed("Telegram", null,
        "<div class=\"tgme_widget_message_error\">Post not found</div>\n");
  }

  // ------------------------------------------------------------------ stories and invites

  /**
   * The page of a story ({@code /username/s/id}): {@code og:title} = the owner's name, {@code
   * og:description} = the caption (or a generic line), {@code og:image} = the photo's largest size
   * or the video's thumbnail, {@code og:video} (+ type, width, height) for a video.
   */
  String storyPage(String username, WorldStory story) {
    WorldMedia media = story.media();
    String image = media instanceof WorldPhoto p
        ? storyMediaUrl(username, story, "photo/" + Html.segment(p.largest().type()) + ".jpg")
        : storyMediaUrl(username, story, "thumb.jpg");
    String description = story.caption().isEmpty() ? "Story by @" + username + " on Telegram." : story.caption();
    Meta meta = Meta.openGraph(story.ownerName(), image, description);
    String video = null;
    if (media instanceof WorldDocument d && isVideo(d)) {
      video = storyMediaUrl(username, story, "file/" + Html.segment(d.fileName().orElse("video.mp4")));
      meta.property("og:video", video);
      meta.property("og:video:type", d.mimeType());
      d.video().ifPresent(v -> {
        meta.property("og:video:width", Integer.toString(v.w()));
        meta.property("og:video:height", Integer.toString(v.h()));
      });
    }
    meta.property("twitter:title", story.ownerName());
    meta.property("twitter:image", image);
    meta.property("twitter:description", description);
    meta.name("twitter:card", video != null ? "player" : "summary_large_image");
    String tg = "tg://resolve?domain=" + username + "&story=" + story.id();
    meta.property("al:ios:url", tg);
    meta.property("al:android:url", tg);
    StringBuilder body = new StringBuilder();
    body.append("<div class=\"tgme_page tgme_page_story\" data-story=\"").append(esc(username + "/" + story.id()))
        .append("\">\n  <div class=\"tgme_page_title\"><span dir=\"auto\">").append(esc(story.ownerName()))
        .append("</span></div>\n");
    if (video != null) {
      body.append("  <video class=\"tgme_story_video\" src=\"").append(esc(video)).append("\" poster=\"")
          .append(esc(image)).append("\" preload=\"none\"></video>\n");
    } else {
      body.append("  <img class=\"tgme_story_photo\" src=\"").append(esc(image)).append("\">\n");
    }
    if (!story.caption().isEmpty()) {
      body.append("  <div class=\"tgme_page_description\">").append(Html.text(story.caption())).append("</div>\n");
    }
    body.append("  <div class=\"tgme_page_action\"><a class=\"tgme_action_button_new shine\" href=\"")
        .append(esc(tg)).append("\">View in Telegram</a></div>\n</div>\n");
    return page(story.ownerName() + " \u2013 Telegram", meta, storyUrl(username, story), body.toString());
  }

  /**
   * The invite page of a private channel ({@code /+hash}, {@code /joinchat/hash}): {@code
   * og:title} = the title, {@code og:description} = its description or t.me's invitation line,
   * {@code og:image} = its photo (or a generated avatar); the member count and a "Join" button.
   */
  String invitePage(String hash, WorldChannel channel) {
    String kind = channel.isBroadcast() ? "channel" : "group";
    String description = channel.about().orElse("You are invited to the " + kind + " " + channel.title()
        + ". Click above to join.");
    Meta meta = Meta.openGraph(channel.title(), invitePhotoUrl(hash), description);
    meta.property("twitter:title", channel.title());
    meta.property("twitter:image", invitePhotoUrl(hash));
    meta.name("twitter:card", "summary");
    String tg = "tg://join?invite=" + hash;
    meta.property("al:ios:url", tg);
    meta.property("al:android:url", tg);
    StringBuilder body = new StringBuilder();
    body.append("<div class=\"tgme_page\">\n")
        .append("  <div class=\"tgme_page_photo\"><a href=\"").append(esc(tg))
        .append("\"><img class=\"tgme_page_photo_image\" src=\"").append(esc(invitePhotoUrl(hash))).append("\"></a></div>\n")
        .append("  <div class=\"tgme_page_title\"><span dir=\"auto\">").append(esc(channel.title())).append("</span></div>\n")
        .append("  <div class=\"tgme_page_extra\">").append(esc(subscribers(channel))).append("</div>\n")
        .append("  <div class=\"tgme_page_description\">").append(esc(description)).append("</div>\n")
        .append("  <div class=\"tgme_page_action\"><a class=\"tgme_action_button_new shine\" href=\"")
        .append(esc(tg)).append("\">").append(channel.isBroadcast() ? "Join Channel" : "Join Group")
        .append("</a></div>\n</div>\n");
    return page("Join " + kind + " chat on Telegram", meta, inviteUrl(hash), body.toString());
  }

  // ------------------------------------------------------------------ channel pages

  /** The channel (or user) page {@code /username}. */
  String channelPage(WorldChannel channel) {
    String username = channel.username().orElseThrow();
    String description = "You can view and join @" + username + " right away.";
    Meta meta = Meta.openGraph(channel.title(), avatarUrl(username), description);
    meta.property("twitter:title", channel.title());
    meta.property("twitter:image", avatarUrl(username));
    meta.property("twitter:site", "@Telegram");
    meta.name("twitter:card", "summary");
    meta.property("al:ios:url", tgResolve(username, 0));
    meta.property("al:android:url", tgResolve(username, 0));
    StringBuilder body = new StringBuilder();
    body.append("<div class=\"tgme_page\">\n")
        .append("  <div class=\"tgme_page_photo\"><a href=\"").append(esc(tgResolve(username, 0)))
        .append("\"><img class=\"tgme_page_photo_image\" src=\"").append(esc(avatarUrl(username))).append("\"></a></div>\n")
        .append("  <div class=\"tgme_page_title\"><span dir=\"auto\">").append(esc(channel.title())).append("</span></div>\n")
        .append("  <div class=\"tgme_page_extra\">").append(esc(subscribers(channel))).append("</div>\n")
        .append("  <div class=\"tgme_page_description\">").append(esc(description)).append("</div>\n")
        .append("  <div class=\"tgme_page_action\"><a class=\"tgme_action_button_new shine\" href=\"")
        .append(esc(tgResolve(username, 0))).append("\">View in Telegram</a></div>\n");
    if (channel.isBroadcast()) {
      body.append("  <div class=\"tgme_page_context_link_wrap\"><a class=\"tgme_page_context_link\" href=\"")
          .append(esc(base + "/s/" + username)).append("\">Preview channel</a></div>\n");
    }
    body.append("</div>\n");
    return page("Telegram: View @" + username, meta, channelUrl(username), body.toString());
  }

  /** The page of a user or bot {@code /username}. */
  String userPage(WorldUser user) {
    String username = user.username().orElseThrow();
    String name = user.firstName() + user.lastName().map(l -> " " + l).orElse("");
    String description = "You can contact @" + username + " right away.";
    Meta meta = Meta.openGraph(name, avatarUrl(username), description);
    meta.name("twitter:card", "summary");
    StringBuilder body = new StringBuilder();
    body.append("<div class=\"tgme_page\">\n")
        .append("  <div class=\"tgme_page_photo\"><img class=\"tgme_page_photo_image\" src=\"")
        .append(esc(avatarUrl(username))).append("\"></div>\n")
        .append("  <div class=\"tgme_page_title\"><span dir=\"auto\">").append(esc(name)).append("</span></div>\n")
        .append("  <div class=\"tgme_page_extra\">@").append(esc(username)).append("</div>\n")
        .append("  <div class=\"tgme_page_description\">").append(esc(description)).append("</div>\n")
        .append("  <div class=\"tgme_page_action\"><a class=\"tgme_action_button_new shine\" href=\"")
        .append(esc(tgResolve(username, 0))).append("\">").append(user.isBot() ? "Start Bot" : "Send Message")
        .append("</a></div>\n</div>\n");
    return page("Telegram: Contact @" + username, meta, channelUrl(username), body.toString());
  }

  /**
   * The channel preview {@code /s/username}: the newest {@value #PREVIEW_PAGE} entries (an album
   * counts once) older than {@code before} (all when 0), oldest first, with a "more" link.
   */
  String previewPage(WorldChannel channel, int before) {
    String username = channel.username().orElseThrow();
    List<List<WorldMessage>> entries = new ArrayList<>();
    long lastGroup = 0;
    for (WorldMessage m : world.messages(channel)) {
      if (before > 0 && m.id() >= before) {
        break;
      }
      if (m.isService()) {
        continue;
      }
      OptionalLong g = m.groupedId();
      if (g.isPresent() && g.getAsLong() == lastGroup && !entries.isEmpty()) {
        entries.get(entries.size() - 1).add(m);
        continue;
      }
      lastGroup = g.orElse(0);
      List<WorldMessage> entry = new ArrayList<>();
      entry.add(m);
      entries.add(entry);
    }
    boolean more = entries.size() > PREVIEW_PAGE;
    if (more) {
      entries = entries.subList(entries.size() - PREVIEW_PAGE, entries.size());
    }
    String description = "You can view and join @" + username + " right away.";
    Meta meta = Meta.openGraph(channel.title(), avatarUrl(username), description);
    meta.name("twitter:card", "summary");
    StringBuilder body = new StringBuilder();
    body.append("<div class=\"tgme_channel_info\">\n")
        .append("  <div class=\"tgme_channel_info_header\"><i class=\"tgme_page_photo_image\"><img src=\"")
        .append(esc(avatarUrl(username))).append("\"></i>")
        .append("<div class=\"tgme_channel_info_header_title\"><span dir=\"auto\">").append(esc(channel.title()))
        .append("</span></div><div class=\"tgme_channel_info_header_username\"><a href=\"")
        .append(esc(channelUrl(username))).append("\">@").append(esc(username)).append("</a></div></div>\n")
        .append("  <div class=\"tgme_channel_info_counters\">");
    counter(body, channel.members().size(), "subscribers");
    List<WorldMessage> all = world.messages(channel);
    counter(body, all.stream().filter(m -> m.photo().isPresent()).count(), "photos");
    counter(body, all.stream().filter(m -> m.document().filter(TmePages::isVideo).isPresent()).count(), "videos");
    counter(body, all.stream().filter(m -> m.document().filter(d -> !isVideo(d)).isPresent()).count(), "files");
    body.append("</div>\n")
        .append("  <div class=\"tgme_channel_info_description\">").append(esc(description)).append("</div>\n")
        .append("</div>\n")
        .append("<section class=\"tgme_channel_history js-message_history\">\n");
    if (more) {
      int oldest = entries.get(0).get(0).id();
      body.append("<div class=\"tgme_widget_message_centered js-messages_more_wrap\"><a href=\"")
          .append(esc(base + "/s/" + username + "?before=" + oldest))
          .append("\" class=\"tme_messages_more js-messages_more\" data-before=\"").append(oldest).append("\"></a></div>\n");
    }
    for (List<WorldMessage> entry : entries) {
      widget(body, channel, entry, entry.get(0));
    }
    body.append("</section>\n");
    return page(channel.title() + " \u2013 Telegram", meta, base + "/s/" + username, body.toString());
  }

  private static void counter(StringBuilder body, long n, String type) {
    body.append("<div class=\"tgme_channel_info_counter\"><span class=\"counter_value\">").append(Html.count(n))
        .append("</span> <span class=\"counter_type\">").append(type).append("</span></div>");
  }

  // ------------------------------------------------------------------ not found

  /**
   * The 404 page: t.me's "not found" layout without {@code og:description}, which is how a client
   * tells a missing post from an existing one besides the status code.
   */
  String notFoundPage(String title, String description) {
    Meta meta = Meta.openGraph("Telegram", logoUrl(), null);
    meta.name("twitter:card", "summary");
    String body = "<div class=\"tgme_page tgme_page_not_found\">\n"
        + "  <div class=\"tgme_page_title\"><span dir=\"auto\">" + esc(title) + "</span></div>\n"
        + "  <div class=\"tgme_page_description\">" + esc(description) + "</div>\n"
        + "  <div class=\"tgme_page_widget\"><div class=\"tgme_widget_message_error\">" + esc(title) + "</div></div>\n"
        + "</div>\n";
    return page("Telegram: " + title, meta, null, body);
  }

  // ------------------------------------------------------------------ the message widget

  /** Renders one entry (a message, or the items of an album) as t.me's message widget. */
  private void widget(StringBuilder out, WorldChannel channel, List<WorldMessage> items, WorldMessage anchor) {
    String username = channel.username().orElseThrow();
    String post = postUrl(username, anchor.id());
    String caption = caption(items);
    String initial = channel.title().isEmpty() ? "?" : channel.title().substring(0, 1);
    out.append("<div class=\"tgme_widget_message_wrap js-widget_message_wrap\">\n")
        .append("<div class=\"tgme_widget_message text_not_supported_wrap js-widget_message\" data-post=\"")
        .append(esc(username + "/" + anchor.id())).append("\" data-post-id=\"").append(anchor.id())
        .append("\" data-channel-id=\"").append(channel.id()).append("\"");
    anchor.groupedId().ifPresent(g -> out.append(" data-grouped-id=\"").append(g).append("\""));
    out.append(">\n")
        .append("  <div class=\"tgme_widget_message_user\"><a href=\"").append(esc(channelUrl(username)))
        .append("\"><i class=\"tgme_widget_message_user_photo bgcolor").append(Math.floorMod(channel.id(), 7))
        .append("\" data-content=\"").append(esc(initial)).append("\"><img src=\"").append(esc(avatarUrl(username)))
        .append("\"></i></a></div>\n")
        .append("  <div class=\"tgme_widget_message_bubble\">\n")
        .append("    <i class=\"tgme_widget_message_bubble_tail\"></i>\n")
        .append("    <div class=\"tgme_widget_message_author accent_color\"><a class=\"tgme_widget_message_owner_name\" href=\"")
        .append(esc(channelUrl(username))).append("\"><span dir=\"auto\">").append(esc(channel.title()))
        .append("</span></a></div>\n");
    List<WorldMessage> withMedia = items.stream().filter(m -> m.media().isPresent()).toList();
    if (withMedia.size() > 1) {
      out.append("    <div class=\"tgme_widget_message_grouped_wrap js-message_grouped_wrap\" data-margin-w=\"2\" data-margin-h=\"2\">")
          .append("<div class=\"tgme_widget_message_grouped js-message_grouped\">")
          .append("<div class=\"tgme_widget_message_grouped_layer js-message_grouped_layer\">\n");
      for (WorldMessage m : withMedia) {
        media(out, username, m, postUrl(username, m.id()) + "?single", true);
      }
      out.append("    </div></div></div>\n");
    } else if (withMedia.size() == 1) {
      media(out, username, withMedia.get(0), post, false);
    }
    if (!caption.isEmpty()) {
      out.append("    <div class=\"tgme_widget_message_text js-message_text\" dir=\"auto\">").append(Html.text(caption))
          .append("</div>\n");
    }
    if (anchor.webPage().isPresent()) {
      linkPreview(out, username, anchor, anchor.webPage().get());
    }
    out.append("    <div class=\"tgme_widget_message_footer compact js-message_footer\">")
        .append("<div class=\"tgme_widget_message_info short js-message_info\">")
        .append("<span class=\"tgme_widget_message_views\">").append(Html.count(anchor.views())).append("</span>")
        .append("<span class=\"copyonly\">&nbsp;views</span>")
        .append("<span class=\"tgme_widget_message_meta\"><a class=\"tgme_widget_message_date\" href=\"").append(esc(post))
        .append("\"><time datetime=\"").append(Html.datetime(anchor.date())).append("\" class=\"time\">")
        .append(Html.time(anchor.date())).append("</time></a></span></div></div>\n")
        .append("  </div>\n</div>\n</div>\n");
  }

  /** t.me's link preview block: site, title, description, the photo and the attached document. */
  private void linkPreview(StringBuilder out, String username, WorldMessage m, WorldWebPage w) {
    out.append("    <a class=\"tgme_widget_message_link_preview\" href=\"").append(esc(w.url())).append("\">");
    if (w.siteName() != null) {
      out.append("<div class=\"link_preview_site_name accent_color\" dir=\"auto\">").append(esc(w.siteName())).append("</div>");
    }
    if (w.photo() != null) {
      out.append("<i class=\"link_preview_image\" style=\"background-image:url('")
          .append(esc(webPagePhotoUrl(username, m, w.photo().largest()))).append("')\"></i>");
    }
    if (w.title() != null) {
      out.append("<div class=\"link_preview_title\" dir=\"auto\">").append(esc(w.title())).append("</div>");
    }
    if (w.description() != null) {
      out.append("<div class=\"link_preview_description\" dir=\"auto\">").append(Html.text(w.description())).append("</div>");
    }
    if (w.document() != null) {
      out.append("<div class=\"link_preview_document\" data-document-id=\"").append(w.document().id())
          .append("\" data-src=\"").append(esc(webPageFileUrl(username, m, w.document()))).append("\">")
          .append(esc(w.document().fileName().orElse("file"))).append("</div>");
    }
    out.append("</a>\n");
  }

  private void media(StringBuilder out, String username, WorldMessage m, String href, boolean grouped) {
    String groupedClass = grouped ? " grouped_media_wrap blured" : "";
    if (m.photo().isPresent()) {
      WorldPhoto p = m.photo().get();
      WorldPhotoSize s = p.largest();
      out.append("    <a class=\"tgme_widget_message_photo_wrap").append(groupedClass)
          .append(" js-message_photo\" data-photo-id=\"").append(p.id()).append("\" href=\"").append(esc(href))
          .append("\" style=\"width:").append(Math.min(800, s.w())).append("px;background-image:url('")
          .append(esc(photoUrl(username, m, s))).append("')\"><div class=\"tgme_widget_message_photo\" style=\"padding-top:")
          .append(ratio(s.w(), s.h())).append("%\"></div></a>\n");
      return;
    }
    WorldDocument d = m.document().orElseThrow();
    if (isVideo(d)) {
      Optional<WorldDocument.Video> v = d.video();
      out.append("    <a class=\"tgme_widget_message_video_player").append(groupedClass)
          .append(" js-message_video_player\" data-document-id=\"").append(d.id()).append("\" href=\"")
          .append(esc(href)).append("\">")
          .append("<i class=\"tgme_widget_message_video_thumb\" style=\"background-image:url('")
          .append(esc(thumbUrl(username, m))).append("')\"></i>")
          .append("<div class=\"tgme_widget_message_video_wrap\" style=\"padding-top:")
          .append(v.map(x -> ratio(x.w(), x.h())).orElse("56.25")).append("%\"><video src=\"")
          .append(esc(fileUrl(username, m, d))).append("\" class=\"tgme_widget_message_video js-message_video\"")
          .append(" width=\"100%\" height=\"100%\" preload=\"none\"></video></div>")
          .append("<div class=\"message_video_play\"></div>")
          .append("<time class=\"message_video_duration js-message_video_duration\">")
          .append(Html.duration(v.map(WorldDocument.Video::durationSeconds).orElse(0.0))).append("</time></a>\n");
      return;
    }
    out.append("    <div class=\"tgme_widget_message_document_wrap\" data-document-id=\"").append(d.id())
        .append("\"><a class=\"tgme_widget_message_document_icon accent_bg\" href=\"").append(esc(href))
        .append("\"></a><div class=\"tgme_widget_message_document\"><div class=\"tgme_widget_message_document_title accent_color\" dir=\"auto\">")
        .append(esc(d.fileName().orElse("file"))).append("</div><div class=\"tgme_widget_message_document_extra\" dir=\"auto\">")
        .append(esc(Html.size(d.size()))).append("</div></div></div>\n");
  }

  // ------------------------------------------------------------------ helpers

  /** The messages of the album {@code m} belongs to (oldest first), or just {@code m}. */
  List<WorldMessage> albumOf(WorldChannel channel, WorldMessage m) {
    if (m.groupedId().isEmpty()) {
      return List.of(m);
    }
    long g = m.groupedId().getAsLong();
    return world.messages(channel).stream()
        .filter(x -> x.groupedId().isPresent() && x.groupedId().getAsLong() == g).toList();
  }

  /** The caption of an entry: the first non-empty text of its items. */
  static String caption(List<WorldMessage> items) {
    return items.stream().map(WorldMessage::text).filter(t -> !t.isEmpty()).findFirst().orElse("");
  }

  /** The og:image of a post: the largest photo size, a video's (or document's) thumbnail, else the channel's avatar. */
  String imageOf(String username, WorldMessage m) {
    if (m.photo().isPresent()) {
      return photoUrl(username, m, m.photo().get().largest());
    }
    Optional<WorldDocument> d = m.document();
    if (d.isPresent() && (isVideo(d.get()) || !d.get().thumbs().isEmpty())) {
      return thumbUrl(username, m);
    }
    if (m.webPage().isPresent() && m.webPage().get().photo() != null) {
      return webPagePhotoUrl(username, m, m.webPage().get().photo().largest());
    }
    return avatarUrl(username);
  }

  static boolean isVideo(WorldDocument d) {
    return d.video().isPresent() || d.mimeType().toLowerCase(Locale.ROOT).startsWith("video/");
  }

  private static String subscribers(WorldChannel channel) {
    int n = channel.members().size();
    return channel.isBroadcast() ? n + (n == 1 ? " subscriber" : " subscribers") : n + (n == 1 ? " member" : " members");
  }

  private static String ratio(int w, int h) {
    return String.format(Locale.ROOT, "%.4f", 100.0 * h / Math.max(1, w));
  }

  private static String page(String title, Meta meta, String canonical, String content) {
    StringBuilder out = new StringBuilder(4096);
    out.append("<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n    <title>").append(esc(title))
        .append("</title>\n    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n");
    meta.appendTo(out);
    if (canonical != null) {
      out.append("    <link rel=\"canonical\" href=\"").append(esc(canonical)).append("\">\n");
    }
    out.append("  </head>\n  <body class=\"no_transition\">\n    <div class=\"tgme_page_wrap\">\n")
        .append("      <div class=\"tgme_head_wrap\"><div class=\"tgme_head\"><a href=\"https://telegram.org/\" class=\"tgme_head_brand\">Telegram</a></div></div>\n")
        .append("      <div class=\"tgme_body_wrap\">\n").append(content).append("      </div>\n    </div>\n  </body>\n</html>\n");
    return out.toString();
  }

  private static String embed(String title, String canonical, String content) {
    StringBuilder out = new StringBuilder(2048);
    out.append("<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n    <title>").append(esc(title))
        .append("</title>\n    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n");
    if (canonical != null) {
      out.append("    <link rel=\"canonical\" href=\"").append(esc(canonical)).append("\">\n");
    }
    out.append("  </head>\n  <body class=\"widget_frame_base emoji_image nodark\">\n").append(content)
        .append("  </body>\n</html>\n");
    return out.toString();
  }

  /** Meta tags in order: {@code property=} for OpenGraph and App Links, {@code name=} for Twitter cards. */
  private static final class Meta {
    private final List<Map.Entry<String, String[]>> tags = new ArrayList<>();

    /** The OpenGraph tags every page starts with, in t.me's order; no og:description when null. */
    static Meta openGraph(String title, String image, String description) {
      Meta meta = new Meta();
      meta.property("og:title", title);
      meta.property("og:image", image);
      meta.property("og:site_name", "Telegram");
      if (description != null) {
        meta.property("og:description", description);
      }
      return meta;
    }

    void property(String key, String value) {
      tags.add(Map.entry("property", new String[] {key, value}));
    }

    void name(String key, String value) {
      tags.add(Map.entry("name", new String[] {key, value}));
    }

    void appendTo(StringBuilder out) {
      for (Map.Entry<String, String[]> t : tags) {
        out.append("    <meta ").append(t.getKey()).append("=\"").append(esc(t.getValue()[0]))
            .append("\" content=\"").append(esc(t.getValue()[1])).append("\">\n");
      }
    }
  }
}
