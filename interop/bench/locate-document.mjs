// Prints the document location of a post of the launcher's channel as ID:ACCESS_HASH:FILE_REFERENCE_HEX,
// looked up with mtcute as a guest (the launcher must run with --guest-access). The side-by-side
// runner hands it to the GramJS client, whose layer-198 decoder cannot read testkit's layer-227
// channels.getMessages answer. Run in its own process so that the runner never loads mtcute (whose
// exit hooks would take over the runner's Ctrl-C handling).
//
//   node interop/bench/locate-document.mjs --config cluster.json --message ID
import { createMtcuteClient } from '../lib/mtcute.mjs'
import { parseClientArgs } from './child.mjs'

const { config, channel, post } = parseClientArgs()
const mt = await createMtcuteClient(config, { dcId: post.dc })
let status = 1
try {
  const resolved = await mt.call({ _: 'contacts.resolveUsername', username: channel.username })
  const ch = resolved.chats.find((c) => String(c.id) === String(channel.id))
  if (!ch) throw new Error(`contacts.resolveUsername(${channel.username}) lists no channel ${channel.id}`)
  const got = await mt.call({
    _: 'channels.getMessages',
    channel: { _: 'inputChannel', channelId: ch.id, accessHash: ch.accessHash },
    id: [{ _: 'inputMessageID', id: post.id }],
  })
  const doc = got.messages?.[0]?.media?.document
  if (doc?._ !== 'document') throw new Error(`message ${post.id} carries no document`)
  if (Number(doc.size) !== post.size) throw new Error(`the document has ${doc.size} bytes, the JSON says ${post.size}`)
  process.stdout.write(`${doc.id}:${doc.accessHash}:${Buffer.from(doc.fileReference).toString('hex')}\n`)
  status = 0
} catch (e) {
  process.stderr.write(`locate-document: ${e?.stack ?? e}\n`)
} finally {
  await mt.destroy().catch(() => {})
}
process.exit(status)
