// The benchmark's mtcute client process: logs in as the launcher's bot (or stays a guest with
// --guest), reads the post with channels.getMessages and downloads its document with mtcute's own
// downloader (client.downloadAsIterable: its download connection pool, several requests in flight
// per connection, its part size for the file's size), hashing the stream with SHA-256.
// Prints one line of JSON (see child.mjs).
//
//   node interop/bench/client-mtcute.mjs --config cluster.json [--message ID] [--guest]
//   env MTCUTE_TRANSPORT (default tcp: mtcute's intermediate TCP transport), MTCUTE_LOG
import { createMtcuteClient, downloadSha256 } from '../lib/mtcute.mjs'
import { measure, parseClientArgs } from './child.mjs'

const args = parseClientArgs()
const transport = process.env.MTCUTE_TRANSPORT ?? 'tcp'
// with --guest, start on the file's DC: a guest key is never exported elsewhere
const dcId = args.guest ? args.post.dc : undefined

await measure('mtcute', args, { transport, downloader: 'client.downloadAsIterable (mtcute defaults)' }, async () => {
  const client = await createMtcuteClient(args.config, { transport, ...(dcId ? { dcId } : {}) })
  // a guest connects on its first call (contacts.resolveUsername)
  if (!args.guest) await client.start({ botToken: args.config.bot_token })
  const [message] = await client.getMessages(args.channel.username, [args.post.id])
  if (!message) throw new Error(`@${args.channel.username}/${args.post.id}: no such message`)
  const media = message.media
  if (!media || media.type !== 'document' && media.type !== 'video') {
    throw new Error(`@${args.channel.username}/${args.post.id} has no document (media: ${media?.type})`)
  }
  if (media.fileSize !== args.post.size) {
    throw new Error(`the document has ${media.fileSize} bytes, the JSON says ${args.post.size}`)
  }
  return { client, media, close: () => client.destroy() }
}, async ({ client, media }) => {
  const { sha256, bytes } = await downloadSha256(client, media)
  return { sha256, bytes }
})
