package io.telefetch.examples.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reading a node's {@code /v1/accounts} JSON in the pool tests (in-process and two-JVM). */
final class AccountsJson {
  private AccountsJson() {}

  /** The entry of account {@code name}; fails the test when the node does not list it. */
  static JsonNode account(JsonNode root, String name) {
    for (JsonNode a : root.get("accounts")) {
      if (a.get("name").asText().equals(name)) {
        return a;
      }
    }
    throw new AssertionError("no account " + name + " in " + root);
  }

  /** Polls {@code fetch} until {@code ready} holds (or 60 s) and returns the last answer. */
  static JsonNode await(Callable<JsonNode> fetch, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode last = fetch.call();
    while (!ready.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = fetch.call();
    }
    return last;
  }
}
