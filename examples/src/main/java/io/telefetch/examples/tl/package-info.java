/**
 * Developer tools over the TL codec, run through the {@code telefetch tl ...} commands: {@link
 * io.telefetch.examples.tl.TlDecodeTool} decodes one hex serialisation, and {@link
 * io.telefetch.examples.tl.TlInteropTool} exchanges serialisations with the codec interop harness
 * ({@code interop/scenarios/codec.mjs}). They live here, not in tl-api, so that the library ships
 * only the codec.
 */
package io.telefetch.examples.tl;
