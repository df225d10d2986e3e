package io.telefetch.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** A node's {@code /v1/accounts} JSON and its other token-guarded paths, for the pool tests (in-process and two-JVM). */
final class AccountsJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final OkHttpClient http;
  private final String token;

  AccountsJson(OkHttpClient http, String token) {
    this.http = http;
    this.token = token;
  }

  /** A request for {@code base + pathAndQuery} carrying the node's token. */
  Request.Builder get(String base, String pathAndQuery) {
    return new Request.Builder().url(base + pathAndQuery).header("Authorization", "Bearer " + token);
  }

  /** The node's {@code /v1/accounts}; fails the test unless it answers 200. */
  JsonNode accounts(String base) throws Exception {
    try (Response r = http.newCall(get(base, "/v1/accounts").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return JSON.readTree(r.body().string());
    }
  }

  /** Polls the node's {@code /v1/accounts} until {@code ready} holds (or 60 s) and returns the last answer. */
  JsonNode await(String base, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode last = accounts(base);
    while (!ready.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = accounts(base);
    }
    return last;
  }

  /** The entry of account {@code name}; fails the test when the node does not list it. */
  static JsonNode account(JsonNode root, String name) {
    for (JsonNode a : root.get("accounts")) {
      if (a.get("name").asText().equals(name)) {
        return a;
      }
    }
    throw new AssertionError("no account " + name + " in " + root);
  }
}
