/**
 * The t.me web pages of the in-process Telegram: {@link io.telefetch.testkit.web.TmeWebServer} is a
 * loopback HTTP server that renders pages shaped like t.me's (post pages with OpenGraph tags, the
 * embed widget, the {@code /s/} channel preview, a 404 page, redirects for renamed channels) from
 * a {@link io.telefetch.testkit.world.World}, and serves the media those pages point to.
 */
@NullMarked
package io.telefetch.testkit.web;

import org.jspecify.annotations.NullMarked;
