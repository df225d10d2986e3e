package io.telefetch.tl;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import org.jspecify.annotations.Nullable;

/**
 * Maps constructor ids to the generated code that decodes them.
 *
 * <p>{@link #standard()} knows every constructor and method of the bundled MTProto and API schemas.
 * Building it is cheap: it loads none of the generated classes, each of which is loaded when an
 * object of it is first decoded. Registries are immutable once built and safe to share.
 */
public final class TlRegistry {
  private final IntObjectMap<TlDeserializer> byId;
  private final IntObjectMap<String> names;

  private TlRegistry(Builder b) {
    this.byId = b.byId;
    this.names = b.names;
  }

  /** The registry of the MTProto service schema and the API layer generated at build time. */
  public static TlRegistry standard() {
    return Standard.INSTANCE;
  }

  /** The decoder for {@code id}, or null when the id is unknown. */
  public @Nullable TlDeserializer deserializer(int id) {
    return byId.get(id);
  }

  /** The TL name registered for {@code id}, or null. */
  public @Nullable String name(int id) {
    return names.get(id);
  }

  /** How many ids are registered. */
  public int size() {
    return byId.size();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects id registrations; a duplicate id is an error. */
  public static final class Builder {
    private final IntObjectMap<TlDeserializer> byId = new IntObjectHashMap<>(4096);
    private final IntObjectMap<String> names = new IntObjectHashMap<>(4096);

    private Builder() {}

    public Builder add(int id, String name, TlDeserializer deserializer) {
      String old = names.put(id, name);
      if (old != null && !old.equals(name)) {
        throw new IllegalStateException(
            "constructor id " + TlDecodeException.hex(id) + " registered for " + old + " and " + name);
      }
      byId.put(id, deserializer);
      return this;
    }

    public TlRegistry build() {
      return new TlRegistry(this);
    }
  }

  private static final class Standard {
    static final TlRegistry INSTANCE = build();

    private static TlRegistry build() {
      Builder b = builder();
      io.telefetch.tl.mtproto.MtprotoSchema.register(b);
      io.telefetch.tl.api.ApiSchema.register(b);
      return b.build();
    }
  }
}
