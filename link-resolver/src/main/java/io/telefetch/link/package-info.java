/**
 * Telegram links: {@link io.telefetch.link.TelegramLink} parses every {@code t.me}, {@code
 * telegram.me}, {@code telegram.dog} and {@code tg://} link form into one typed value per kind,
 * without I/O; resolving a link to peers, messages and media builds on it.
 */
@NullMarked
package io.telefetch.link;

import org.jspecify.annotations.NullMarked;
