package io.telefetch.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The link grammar as a table: each row is an input and what it must parse to, in a compact form
 * ({@code kind field=value ...}) or {@code error REASON[@position]}.
 */
class TelegramLinkTableTest {

  private static final List<Arguments> ROWS = new ArrayList<>();

  private static void row(String input, String expected) {
    ROWS.add(Arguments.of(input, expected));
  }

  static {
    // ---- posts: hosts, schemes, www, case, whitespace, trailing slash
    row("https://t.me/durov/5", "post username=durov msg=5");
    row("http://t.me/durov/5", "post username=durov msg=5");
    row("t.me/durov/5", "post username=durov msg=5");
    row("www.t.me/durov/5", "post username=durov msg=5");
    row("https://www.t.me/durov/5", "post username=durov msg=5");
    row("https://telegram.me/durov/5", "post username=durov msg=5");
    row("https://www.telegram.me/durov/5", "post username=durov msg=5");
    row("https://telegram.dog/durov/5", "post username=durov msg=5");
    row("telegram.dog/durov/5", "post username=durov msg=5");
    row("HTTPS://T.ME/Durov/5", "post username=Durov msg=5");
    row("https://T.Me/durov/5", "post username=durov msg=5");
    row("Https://Telegram.Me/durov/5", "post username=durov msg=5");
    row("  https://t.me/durov/5  ", "post username=durov msg=5");
    row("\thttps://t.me/durov/5\n", "post username=durov msg=5");
    row("https://t.me/durov/5/", "post username=durov msg=5");
    row("https://t.me/durov/5#fragment", "post username=durov msg=5");
    row("https://t.me/durov/5?embed=1", "post username=durov msg=5");
    row("https://t.me/durov/5?embed=1&mode=tme", "post username=durov msg=5");
    row("https://t.me/durov/2147483647", "post username=durov msg=2147483647");
    row("https://t.me/durov/0005", "post username=durov msg=5");
    row("https://t.me/telefetch_demo/2", "post username=telefetch_demo msg=2");
    row("https://t.me/a_b_c/1", "post username=a_b_c msg=1");
    row("https://t.me/abc/1", "post username=abc msg=1");
    row("https://t.me/" + "a".repeat(32) + "/1", "post username=" + "a".repeat(32) + " msg=1");
    row("https://t.me/durov/5?single", "post username=durov msg=5 single");
    row("https://t.me/durov/5?single=1", "post username=durov msg=5 single");
    row("https://t.me/durov/5?single&t=90", "post username=durov msg=5 single t=90");
    row("https://t.me/durov/5?t=1m30s", "post username=durov msg=5 t=90");
    row("https://t.me/durov/5?t=1h2m3s", "post username=durov msg=5 t=3723");
    row("https://t.me/durov/5?t=2h", "post username=durov msg=5 t=7200");
    row("https://t.me/durov/5?t=45s", "post username=durov msg=5 t=45");
    row("https://t.me/durov/5?t=0", "post username=durov msg=5 t=0");
    row("https://t.me/durov/5?comment=7", "post username=durov msg=5 comment=7");
    row("https://t.me/durov/5?thread=3", "post username=durov msg=5 thread=3");
    row("https://t.me/durov/5?thread=3&comment=9", "post username=durov msg=5 thread=3 comment=9");
    row("https://t.me/durov/5?topic=3", "post username=durov msg=5 thread=3");
    row("https://t.me/durov/3/5", "post username=durov msg=5 thread=3");
    row("https://t.me/durov/3/5?thread=3", "post username=durov msg=5 thread=3");
    row("https://t.me/durov/3/5?single", "post username=durov msg=5 thread=3 single");
    row("https://t.me/s/durov/5", "post username=durov msg=5");
    row("t.me/s/durov/5?before=10", "post username=durov msg=5");
    row("https://durov.t.me/5", "post username=durov msg=5");
    row("https://t.me/durov/5?unknown=x", "post username=durov msg=5");
    row("https://t.me/durov/5?SINGLE", "post username=durov msg=5 single");
    row("https://t.me/durov/5?comment=%37", "post username=durov msg=5 comment=7");
    // ---- private posts
    row("https://t.me/c/1234567890/5", "private_post channel=1234567890 msg=5");
    row("t.me/c/1/1", "private_post channel=1 msg=1");
    row("https://t.me/c/1234567890/7/5", "private_post channel=1234567890 msg=5 thread=7");
    row("https://t.me/c/1234567890/5?single", "private_post channel=1234567890 msg=5 single");
    row("https://t.me/c/1234567890/5?thread=7", "private_post channel=1234567890 msg=5 thread=7");
    row("https://t.me/c/1234567890/5?comment=2", "private_post channel=1234567890 msg=5 comment=2");
    row("https://t.me/C/1234567890/5", "private_post channel=1234567890 msg=5");
    row("https://t.me/c/997852516352/5", "private_post channel=997852516352 msg=5");
    row("https://t.me/c/1234567890/5/", "private_post channel=1234567890 msg=5");
    row("tg://privatepost?channel=1234567890&post=5", "private_post channel=1234567890 msg=5");
    row("tg://privatepost?channel=123&post=5&thread=9", "private_post channel=123 msg=5 thread=9");
    row("tg:privatepost?post=5&channel=123", "private_post channel=123 msg=5");
    row("TG://PRIVATEPOST?channel=123&post=5", "private_post channel=123 msg=5");
    // ---- usernames
    row("https://t.me/durov", "username username=durov");
    row("t.me/durov", "username username=durov");
    row("https://t.me/durov/", "username username=durov");
    row("https://t.me/s/durov", "username username=durov");
    row("https://durov.t.me", "username username=durov");
    row("durov.t.me/", "username username=durov");
    row("https://t.me/durov?profile", "username username=durov");
    row("https://t.me/durov?text=hello", "username username=durov");
    row("tg://resolve?domain=durov", "username username=durov");
    row("tg:resolve?domain=durov", "username username=durov");
    row("tg://resolve/?domain=durov", "username username=durov");
    row("tg://resolve?domain=durov#x", "username username=durov");
    row("https://t.me/gif", "username username=gif");
    row("https://t.me/Bot_9", "username username=Bot_9");
    // ---- tg://resolve posts and stories
    row("tg://resolve?domain=durov&post=5", "post username=durov msg=5");
    row("tg://resolve?domain=durov&post=5&thread=2", "post username=durov msg=5 thread=2");
    row("tg://resolve?domain=durov&post=5&comment=2", "post username=durov msg=5 comment=2");
    row("tg://resolve?domain=durov&post=5&single", "post username=durov msg=5 single");
    row("tg://resolve?domain=durov&post=5&t=10", "post username=durov msg=5 t=10");
    row("tg://resolve?domain=durov&story=4", "story username=durov story=4");
    // ---- stories
    row("https://t.me/durov/s/4", "story username=durov story=4");
    row("https://t.me/durov/S/4", "story username=durov story=4");
    row("t.me/durov/s/4/", "story username=durov story=4");
    row("https://durov.t.me/s/4", "story username=durov story=4");
    // ---- invites and phones
    row("https://t.me/+AbCdEf123_-x", "invite hash=AbCdEf123_-x");
    row("https://t.me/joinchat/AbCdEf123", "invite hash=AbCdEf123");
    row("https://t.me/JoinChat/AbCdEf123", "invite hash=AbCdEf123");
    row("t.me/+abc", "invite hash=abc");
    row("tg://join?invite=AbCdEf", "invite hash=AbCdEf");
    // an all-digit invite hash (found by the fuzzer): its canonical form is /joinchat/, since /+digits is a phone
    row("t.me/joinchat/111", "invite hash=111");
    row("tg://join?invite=2025550123", "invite hash=2025550123");
    row("https://t.me/+12025550123", "phone phone=12025550123");
    row("https://t.me/+999", "phone phone=999");
    row("tg://resolve?phone=12025550123", "phone phone=12025550123");
    row("tg://resolve?phone=%2B12025550123", "phone phone=12025550123");
    // ---- unsupported (no media)
    row("https://t.me/addstickers/Animals", "unsupported what=sticker_set");
    row("https://t.me/addemoji/Set", "unsupported what=emoji_set");
    row("https://t.me/addtheme/Theme", "unsupported what=theme");
    row("https://t.me/setlanguage/de", "unsupported what=language_pack");
    row("https://t.me/share/url?url=https://example.com", "unsupported what=share");
    row("https://t.me/share?url=x", "unsupported what=share");
    row("https://t.me/iv?url=https://example.com&rhash=1", "unsupported what=instant_view");
    row("https://t.me/proxy?server=1.2.3.4&port=443&secret=dd00", "unsupported what=proxy");
    row("https://t.me/socks?server=1.2.3.4&port=1080", "unsupported what=proxy");
    row("https://t.me/bg/abc", "unsupported what=background");
    row("https://t.me/login/12345", "unsupported what=login_code");
    row("https://t.me/invoice/abc", "unsupported what=invoice");
    row("https://t.me/$abc", "unsupported what=invoice");
    row("https://t.me/confirmphone?phone=1&hash=2", "unsupported what=phone_confirmation");
    row("https://t.me/addlist/abc", "unsupported what=chat_folder");
    row("https://t.me/boost/durov", "unsupported what=boost");
    row("https://t.me/m/abcdef", "unsupported what=business_chat");
    row("https://t.me/giftcode/abc", "unsupported what=premium_gift_code");
    row("https://t.me/durov_bot?start=abc", "unsupported what=bot_start");
    row("https://t.me/durov_bot?startgroup=1", "unsupported what=bot_add_to_chat");
    row("https://t.me/durov_bot?startapp=x", "unsupported what=web_app");
    row("https://t.me/durov_bot/myapp", "unsupported what=web_app");
    row("https://t.me/durov_bot?game=g", "unsupported what=game");
    row("https://t.me/durov?videochat", "unsupported what=video_chat");
    row("https://t.me/durov?livestream=abc", "unsupported what=video_chat");
    row("https://t.me/durov?boost", "unsupported what=boost");
    row("tg://resolve?domain=durov_bot&start=abc", "unsupported what=bot_start");
    row("tg://addstickers?set=Animals", "unsupported what=sticker_set");
    row("tg://msg_url?url=x", "unsupported what=share");
    row("tg://proxy?server=1.2.3.4&port=443&secret=ab", "unsupported what=proxy");
    row("tg://socks?server=1.2.3.4", "unsupported what=proxy");
    row("tg://user?id=42", "unsupported what=user");
    row("tg://settings", "unsupported what=settings");
    row("tg://something_new?x=1", "unsupported what=unknown");
    // ---- hostile and invalid: hosts
    row("https://t.me.evil.com/durov/5", "error FOREIGN_HOST@8");
    row("https://evilt.me/durov/5", "error FOREIGN_HOST@8");
    row("https://t.mе/durov/5", "error FOREIGN_HOST@8"); // Cyrillic е
    row("https://telegram.org/durov/5", "error FOREIGN_HOST@8");
    row("https://web.telegram.org/a/", "error FOREIGN_HOST@8");
    row("https://t.me@evil.com/durov", "error FOREIGN_HOST@12");
    row("https://durov@t.me/durov", "error FOREIGN_HOST@13");
    row("https://t.me:443/durov/5", "error FOREIGN_HOST@12");
    row("t.me:80/durov", "error FOREIGN_HOST@4");
    row("https://t.me./durov/5", "error FOREIGN_HOST@8");
    row("https://www.www.t.me/durov", "error FOREIGN_HOST@8");
    row("https://www.durov.t.me/5", "error FOREIGN_HOST@8");
    row("https://a.b.t.me/5", "error FOREIGN_HOST@8");
    row("https://x.t.me/5", "error FOREIGN_HOST@8");
    row("https://t%2Eme/durov", "error FOREIGN_HOST@8");
    row("https://t.me\\evil.com/durov", "error FOREIGN_HOST@8");
    row("https:///t.me/durov", "error FOREIGN_HOST@8");
    row("example.com/t.me/durov", "error FOREIGN_HOST@0");
    row("durov", "error FOREIGN_HOST@0");
    row("@durov", "error FOREIGN_HOST@0");
    row("//t.me/durov", "error FOREIGN_HOST@0");
    // ---- schemes
    row("ftp://t.me/durov/5", "error UNSUPPORTED_SCHEME@0");
    row("javascript:alert(1)", "error UNSUPPORTED_SCHEME@0");
    row("file:///etc/passwd", "error UNSUPPORTED_SCHEME@0");
    row("tgx://resolve?domain=durov", "error UNSUPPORTED_SCHEME@0");
    row("data:text/html,hi", "error UNSUPPORTED_SCHEME@0");
    row("https:t.me/durov", "error MALFORMED@6");
    row("https:/t.me/durov", "error MALFORMED@6");
    // ---- usernames outside the rules
    row("https://t.me/ab/5", "error INVALID_USERNAME@13");
    row("https://t.me/" + "a".repeat(33) + "/5", "error INVALID_USERNAME@13");
    row("https://t.me/1durov/5", "error INVALID_USERNAME@13");
    row("https://t.me/_durov/5", "error INVALID_USERNAME@13");
    row("https://t.me/durov_/5", "error INVALID_USERNAME@13");
    row("https://t.me/du__rov/5", "error INVALID_USERNAME@13");
    row("https://t.me/du-rov/5", "error INVALID_USERNAME@13");
    row("https://t.me/du.rov/5", "error INVALID_USERNAME@13");
    row("https://t.me/dürov/5", "error INVALID_USERNAME@13");
    row("https://t.me/%64urov/5", "error INVALID_USERNAME@13");
    row("https://t.me/s/ab", "error INVALID_USERNAME@15");
    row("tg://resolve?domain=ab", "error INVALID_USERNAME@20");
    row("tg://resolve?domain=", "error INVALID_USERNAME@20");
    // ---- ids
    row("https://t.me/durov/0", "error INVALID_ID@19");
    row("https://t.me/durov/-5", "error INVALID_ID@19");
    row("https://t.me/durov/2147483648", "error INVALID_ID@19");
    row("https://t.me/durov/99999999999999999999", "error INVALID_ID@19");
    row("https://t.me/durov/5a", "error INVALID_ID@20");
    row("https://t.me/durov/+5", "error INVALID_ID@19");
    row("https://t.me/durov/0/5", "error INVALID_ID@19");
    row("https://t.me/durov/3/0", "error INVALID_ID@21");
    row("https://t.me/durov/s/0", "error INVALID_ID@21");
    row("https://t.me/durov/s/x", "error INVALID_ID@21");
    row("https://t.me/c/0/5", "error INVALID_ID@15");
    row("https://t.me/c/997852516353/5", "error INVALID_ID@15");
    row("https://t.me/c/abc/5", "error INVALID_ID@15");
    row("https://t.me/c/-100123/5", "error INVALID_ID@15");
    row("https://t.me/c/123/0", "error INVALID_ID@19");
    row("tg://privatepost?channel=x&post=5", "error INVALID_ID@25");
    row("tg://resolve?domain=durov&post=0", "error INVALID_ID@31");
    row("tg://resolve?domain=durov&story=-1", "error INVALID_ID@32");
    // ---- queries
    row("https://t.me/durov/5?comment=x", "error INVALID_QUERY@29");
    row("https://t.me/durov/5?comment=0", "error INVALID_QUERY@29");
    row("https://t.me/durov/5?thread=", "error INVALID_QUERY@28");
    row("https://t.me/durov/5?t=abc", "error INVALID_QUERY@23");
    row("https://t.me/durov/5?t=1m1h", "error INVALID_QUERY@23");
    row("https://t.me/durov/5?t=1x", "error INVALID_QUERY@23");
    row("https://t.me/durov/5?t=99999999999", "error INVALID_QUERY@23");
    row("https://t.me/durov/5?t=", "error INVALID_QUERY@23");
    row("https://t.me/durov/3/5?thread=4", "error INVALID_QUERY@30");
    row("https://t.me/durov/5?comment=1&comment=2", "error INVALID_QUERY@31");
    row("https://t.me/durov/5?comment=%zz", "error INVALID_QUERY@29");
    row("https://t.me/durov/5?comment=%3", "error INVALID_QUERY@29");
    row("https://t.me/durov/5?comment=%ff", "error INVALID_QUERY@29");
    row("tg://resolve?domain=durov&phone=123", "error INVALID_QUERY@32");
    row("tg://resolve?domain=durov&post=1&story=2", "error INVALID_QUERY@31");
    row("tg://resolve?phone=abc", "error INVALID_QUERY@19");
    // ---- missing parts
    row("https://t.me", "error MISSING_PARAMETER@12");
    row("https://t.me/", "error MISSING_PARAMETER@12");
    row("https://t.me/c", "error MISSING_PARAMETER@14");
    row("https://t.me/c/123", "error MISSING_PARAMETER@18");
    row("https://t.me/s", "error MISSING_PARAMETER@14");
    row("https://t.me/durov/s", "error MISSING_PARAMETER@20");
    row("https://t.me/joinchat", "error MISSING_PARAMETER@21");
    row("https://t.me/+", "error MISSING_PARAMETER@14");
    row("tg://resolve", "error MISSING_PARAMETER@5");
    row("tg://resolve?post=5", "error MISSING_PARAMETER@5");
    row("tg://privatepost?channel=1", "error MISSING_PARAMETER@16");
    row("tg://privatepost?post=1", "error MISSING_PARAMETER@16");
    row("tg://join", "error MISSING_PARAMETER@9");
    row("tg://join?invite=", "error MISSING_PARAMETER@17");
    row("tg://", "error MISSING_PARAMETER@5");
    // ---- malformed
    row("", "error EMPTY@0");
    row("   ", "error EMPTY@3");
    row("https://t.me/durov 5", "error MALFORMED@18");
    row("https://t.me/durov/5\u0000", "error MALFORMED@20");
    row("https://t.me//durov/5", "error MALFORMED@13");
    row("https://t.me/durov//5", "error MALFORMED@19");
    row("https://t.me/durov/5//", "error MALFORMED@21");
    row("https://t.me/durov/3/5/7", "error MALFORMED@23");
    row("https://t.me/c/1/2/3/4", "error MALFORMED@21");
    row("https://t.me/s/durov/5/6", "error MALFORMED@23");
    row("https://t.me/joinchat/abc/def", "error MALFORMED@26");
    row("https://t.me/+abc/def", "error MALFORMED@18");
    row("https://t.me/+abc$", "error MALFORMED@17");
    row("https://t.me/+" + "a".repeat(65), "error MALFORMED@78");
    row("https://t.me/+1234567890123456", "error MALFORMED@14");
    row("https://t.me/+12", "error MALFORMED@14");
    row("tg://join?invite=ab%2Fcd", "error MALFORMED@19");
    row("tg://re-solve?domain=durov", "error MALFORMED@7");
    row("tg://resolve/x?domain=durov", "error MALFORMED@13");
    StringBuilder many = new StringBuilder("https://t.me/durov/5?");
    for (int i = 0; i < 70; i++) {
      many.append(i == 0 ? "" : "&").append('k').append(i).append("=1");
    }
    row(many.toString(), "error INVALID_QUERY@" + many.indexOf("k64="));
    row("https://t.me/" + "x".repeat(TelegramLink.MAX_LENGTH), "error TOO_LONG@4096");
  }

  static Stream<Arguments> rows() {
    return ROWS.stream();
  }

  @Test
  void theTableHasAtLeast150Rows() {
    assertThat(ROWS).hasSizeGreaterThanOrEqualTo(150);
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("rows")
  void parses(String input, String expected) {
    String actual;
    try {
      actual = describe(TelegramLink.parse(input));
    } catch (LinkParseException e) {
      actual = "error " + e.reason() + (expected.contains("@") ? "@" + e.position() : "");
    }
    assertThat(actual).as("%s (%s)", input, actual).isEqualTo(expected);
    assertThat(TelegramLink.tryParse(input).isPresent()).isEqualTo(!expected.startsWith("error"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("rows")
  void aParsedLinkSurvivesItsCanonicalForm(String input, String expected) {
    if (expected.startsWith("error") || expected.startsWith("unsupported")) {
      return;
    }
    TelegramLink link = TelegramLink.parse(input);
    assertThat(TelegramLink.parse(link.toUrl())).isEqualTo(link);
  }

  static String describe(TelegramLink link) {
    StringBuilder b = new StringBuilder(link.kind().jsonName());
    if (link instanceof TelegramLink.Post p) {
      b.append(" username=").append(p.username()).append(" msg=").append(p.messageId());
      options(b, p.options());
    } else if (link instanceof TelegramLink.PrivatePost p) {
      b.append(" channel=").append(p.channelId()).append(" msg=").append(p.messageId());
      options(b, p.options());
    } else if (link instanceof TelegramLink.Username u) {
      b.append(" username=").append(u.username());
    } else if (link instanceof TelegramLink.Invite i) {
      b.append(" hash=").append(i.hash());
    } else if (link instanceof TelegramLink.Phone p) {
      b.append(" phone=").append(p.phone());
    } else if (link instanceof TelegramLink.Story st) {
      b.append(" username=").append(st.username()).append(" story=").append(st.storyId());
    } else if (link instanceof TelegramLink.Unsupported u) {
      b.append(" what=").append(u.what());
    }
    return b.toString();
  }

  private static void options(StringBuilder b, PostOptions o) {
    o.thread().ifPresent(t -> b.append(" thread=").append(t));
    o.comment().ifPresent(c -> b.append(" comment=").append(c));
    if (o.single()) {
      b.append(" single");
    }
    o.timestamp().ifPresent(t -> b.append(" t=").append(t));
  }
}
