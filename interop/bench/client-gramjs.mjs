// The benchmark's GramJS client process (telegram@2.26.22, layer 198): connects as a guest to the
// file's DC (the launcher must run with --guest-access; GramJS creates its own auth key) and
// downloads the document with a raw upload.getFile loop through client.invoke, 1 MiB parts, hashing
// them in order (downloadRaw in lib/gramjs.mjs). Prints one line of JSON (see child.mjs).
//
//   node interop/bench/client-gramjs.mjs --config cluster.json [--message ID] [--guest]
//       [--parallel N] [--location ID:ACCESS_HASH:FILE_REFERENCE_HEX]
//
// --parallel: upload.getFile calls in flight (default 1). GramJS 2.26.22 has no parallel
//   downloader (downloadFile asks for one part at a time); N > 1 pipelines N raw calls through its
//   one sender and connection, the only parallelism it offers for raw calls.
// --location: the document's id, access_hash and file_reference. Without it, GramJS asks
//   channels.getMessages itself, which works only if its layer-198 decoder can read testkit's
//   layer-227 answer; the side-by-side runner looks the location up beforehand (with mtcute, in
//   its own process) so that this process does nothing but GramJS's work.
// env GRAMJS_CONNECTION: full (default, GramJS's own default), abridged or obfuscated.
import { createGramClient, documentLocation, downloadRaw, Api, bigInt } from '../lib/gramjs.mjs'
import { measure, parseClientArgs } from './child.mjs'

const argv = process.argv.slice(2)
let parallel = 1
let locationArg = null
const rest = []
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--parallel') parallel = Number(argv[++i])
  else if (argv[i] === '--location') locationArg = argv[++i]
  else rest.push(argv[i])
}
if (!Number.isInteger(parallel) || parallel < 1) {
  process.stderr.write('client-gramjs.mjs: --parallel takes a positive integer\n')
  process.exit(2)
}
const args = parseClientArgs(rest)
// GramJS logs in nowhere here: its guest key reads and downloads under --guest-access
args.guest = true
const connection = process.env.GRAMJS_CONNECTION ?? 'full'

function parseLocation(text) {
  const m = /^(-?\d+):(-?\d+):([0-9a-fA-F]*)$/.exec(text)
  if (!m) {
    process.stderr.write('client-gramjs.mjs: --location takes ID:ACCESS_HASH:FILE_REFERENCE_HEX\n')
    process.exit(2)
  }
  return { id: m[1], accessHash: m[2], fileReference: Buffer.from(m[3], 'hex') }
}

/** The document through GramJS's own channels.getMessages (null when its decoder cannot read the answer). */
async function locateWithGramJs(client) {
  try {
    const answer = await client.invoke(new Api.channels.GetMessages({
      channel: new Api.InputChannel({ channelId: bigInt(String(args.channel.id)), accessHash: bigInt(args.channel.access_hash) }),
      id: [new Api.InputMessageID({ id: args.post.id })],
    }))
    const doc = answer.messages?.[0]?.media?.document
    return doc instanceof Api.Document ? { id: doc.id.toString(), accessHash: doc.accessHash.toString(), fileReference: doc.fileReference } : null
  } catch (e) {
    if (e?.invalidConstructorId !== undefined) return null
    throw e
  }
}

const settings = { connection, parallel, part_size: 1 << 20, downloader: 'raw upload.getFile loop (client.invoke)' }
await measure(parallel === 1 ? 'gramjs' : `gramjs-p${parallel}`, args, settings, async () => {
  const client = await createGramClient(args.config, { dcId: args.post.dc, connection })
  const location = locationArg ? parseLocation(locationArg) : await locateWithGramJs(client)
  if (!location) {
    await client.destroy().catch(() => {})
    throw new Error('GramJS (layer 198) cannot decode channels.getMessages from testkit (layer 227): pass --location')
  }
  settings.location_from = locationArg ? 'given' : 'GramJS'
  return { client, location: documentLocation(location), close: () => client.destroy() }
}, async ({ client, location }) => {
  const { sha256, bytes } = await downloadRaw(client, location, args.post.size, { parallel })
  return { sha256, bytes }
})
