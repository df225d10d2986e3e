/** The {@code telefetch} command-line tool: the demo against testkit and TL decoding. */
package io.telefetch.examples;
