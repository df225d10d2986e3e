/** The {@code telefetch} command-line tool: the demo against testkit, a download from a testkit launcher cluster (fetch) and TL decoding. */
package io.telefetch.examples;
