package io.telefetch.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.telefetch.link.LinkParseException;
import io.telefetch.link.PostOptions;
import io.telefetch.link.TelegramLink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code telefetch link}: tools for Telegram links. */
@Command(name = "link", description = "Telegram link tools.", mixinStandardHelpOptions = true,
    subcommands = {LinkCommand.Parse.class})
final class LinkCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * {@code telefetch link parse [LINK...]}: one JSON object a line per input (a contract scripts
   * depend on); exit status 0 when every input parsed, 1 otherwise.
   */
  @Command(name = "parse", mixinStandardHelpOptions = true,
      description = {"Parse t.me and tg:// links without any network access and print one JSON "
          + "object a line: {\"input\", \"kind\", ...fields} or {\"input\", \"error\"}.",
          "Exit status 0 when every input parsed, 1 otherwise."})
  static final class Parse implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "0..*", paramLabel = "LINK",
        description = "links; '-' (or none) reads one link a line from standard input")
    List<String> links = new ArrayList<>();

    InputStream in = System.in;
    PrintStream out = System.out;

    @Override
    public Integer call() {
      boolean allParsed = true;
      List<String> inputs = links.isEmpty() ? List.of("-") : links;
      for (String input : inputs) {
        if (input.equals("-")) {
          try (BufferedReader reader =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
              if (!line.isBlank()) {
                allParsed &= print(line);
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        } else {
          allParsed &= print(input);
        }
      }
      out.flush();
      return allParsed ? 0 : 1;
    }

    private boolean print(String input) {
      ObjectNode node = JSON.createObjectNode();
      node.put("input", input);
      boolean parsed;
      try {
        describe(TelegramLink.parse(input), node);
        parsed = true;
      } catch (LinkParseException e) {
        node.put("error", e.getMessage());
        parsed = false;
      }
      out.println(node.toString());
      return parsed;
    }
  }

  /** Adds {@code kind} and the fields that apply to {@code node}, the JSON contract's names. */
  static void describe(TelegramLink link, ObjectNode node) {
    node.put("kind", link.kind().jsonName());
    if (link instanceof TelegramLink.Post p) {
      node.put("username", p.username());
      node.put("msg", p.messageId());
      options(p.options(), node);
    } else if (link instanceof TelegramLink.PrivatePost p) {
      node.put("channel", p.channelId());
      node.put("msg", p.messageId());
      options(p.options(), node);
    } else if (link instanceof TelegramLink.Username u) {
      node.put("username", u.username());
    } else if (link instanceof TelegramLink.Invite i) {
      node.put("hash", i.hash());
    } else if (link instanceof TelegramLink.Phone p) {
      node.put("phone", p.phone());
    } else if (link instanceof TelegramLink.Story s) {
      node.put("username", s.username());
      node.put("story", s.storyId());
    } else if (link instanceof TelegramLink.Unsupported u) {
      node.put("what", u.what());
    }
  }

  private static void options(PostOptions options, ObjectNode node) {
    options.thread().ifPresent(t -> node.put("thread", t));
    options.comment().ifPresent(c -> node.put("comment", c));
    if (options.single()) {
      node.put("single", true);
    }
    options.timestamp().ifPresent(t -> node.put("t", t));
  }
}
