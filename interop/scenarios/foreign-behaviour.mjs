// Scenario 4: things foreign clients do that Telefetch's own client (mtproto-core's
// MtprotoConnection) never does, and testkit must still answer correctly.
//
// Our client sends queries (in msg_containers, with msgs_ack piggy-backed, gzip_packed in gzip
// format above a threshold), ping_delay_disconnect, get_future_salts, msg_resend_req and
// rpc_drop_answer (when a call is cancelled), and answers msgs_state_req. It never sends a plain
// `ping`, msgs_state_req, destroy_session or invokeAfterMsg chains, never zlib-format gzip_packed
// (mtcute's), never numbers acks as content-related, and never has hundreds of queries in flight.
//
// mtcute 0.30.3 (intermediate TCP, its own session machinery; observed through its public log
// handler, which prints every packet it sends and every service message it receives):
//   M1  a burst of 240 concurrent API calls of four kinds: mtcute packs them into msg_containers
//       (up to 1020 messages) with its acks and pings inside; every answer is checked
//   M2  48 concurrent upload.getFile calls for the 64 KiB parts of a file (mtcute sends each in its
//       own packet, pipelined); the concatenation must hash to the JSON's SHA-256
//   M3  a chain (call option chainId): each query wrapped in invokeAfterMsg(previous msg_id), one
//       gzip_packed inside the wrapper; answers in order, the slow one first. (testkit does not hold
//       a chained query back: it answers in arrival order, which keeps the chain; this would catch
//       a reordering or a wrapper it cannot read)
//   M4  msgs_state_req: the launcher runs with --latency, so every query stays pending longer than
//       mtcute's 1.5 s and mtcute asks for its state; msgs_state_info must say "received"
//   M5  rpc_drop_answer for a query aborted while the server still runs it (abortSignal): the
//       answer must be rpc_answer_dropped_running (service_messages.html), and the session goes on
//   M6  get_future_salts (64, at session start): the salts must cover now and follow each other
//       without gaps
//   M7  ping_delay_disconnect: every ~2 s while queries are pending, and while idle (pingInterval
//       500 ms plus mtcute's random delay): every ping answered
//   and nothing mtcute logs as a warning or error about the protocol during all of that.
//
// GramJS 2.26.22 (TCPFull: per-packet seq numbers and CRC32; raw service messages through its
// sender, answers read from its handler table):
//   G1  plain ping -> pong with the same ping_id, matched by msg_id
//   G2  destroy_session for a session that does not exist -> destroy_session_none (a service
//       message of its own, not an rpc_result: Telethon, mtcute and our engine all read it so)
//   G3  ping_delay_disconnect with a 2 s delay, then silence: the server must close the connection
//       about 2 s later
//
// Environment: TESTKIT_JAR, MTCUTE_LOG (default 1, errors only; the capture works at any level).
import { createHash } from 'node:crypto'
import events from 'node:events'
import { startLauncher, demoFile } from '../lib/launcher.mjs'
import { check, checkEqual, runScenario } from '../lib/check.mjs'
import { createGramClient, Api, bigInt } from '../lib/gramjs.mjs'
import { registerLauncherKey, dcOptionsFor, makeTransport } from '../lib/mtcute.mjs'
import { MemoryStorage } from '@mtcute/core'
import { TelegramClient } from '@mtcute/node'
import { RequestState } from 'telegram/network/RequestState.js'

const FILE = 'foreign.bin'
const LATENCY_MS = 1700 // above mtcute's 1.5 s before it asks msgs_state_req
const PART = 64 << 10
const USERNAME = 'telefetch_demo'

// mtcute adds an abort listener per pending call to one signal: 48 concurrent calls exceed Node's default 10
events.defaultMaxListeners = 256

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const t0 = Date.now()
const log = (line) => console.log(`[foreign-behaviour] ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${line}`)

// ---------------------------------------------------------------------------------- mtcute

/** An mtcute client whose log lines (all levels, formatted) are kept in `lines`. */
async function mtcuteWithCapture(config, dcId) {
  await registerLauncherKey(config)
  const client = new TelegramClient({
    apiId: config.api_id,
    apiHash: config.api_hash,
    storage: new MemoryStorage(),
    defaultDcs: dcOptionsFor(config, dcId),
    transport: makeTransport(config, 'tcp'),
    network: { pingInterval: 500 },
    logLevel: 4,
  })
  const lines = []
  const print = Number(process.env.MTCUTE_LOG ?? 1)
  client.log.mgr.level = 4
  client.log.mgr.handler = (color, level, tag, fmt, args) => {
    let i = 0
    const text = fmt.replace(/%[sdi]/g, (m) => {
      const v = args[i++]
      return Array.isArray(v) ? `[${v.map((x) => `'${x}'`).join(', ')}]` : String(v)
    }).replace(/^(\[[^\]]*\]\s*)+/, '') // without the [USER ..] [DC ..] prefixes
    lines.push({ level, tag, text })
    if (level <= print) console.error(`[mtcute ${tag}] ${text}`)
  }
  return { client, lines }
}

/** Tallies mtcute's "sending N messages: ..." debug lines. */
function sendStats(lines, from = 0) {
  const s = { packets: 0, containers: 0, maxInContainer: 0, ackedInContainer: 0, pings: 0, stateReqs: 0, saltReqs: 0, cancels: 0, rpcs: 0 }
  for (const { text } of lines.slice(from)) {
    const m = /^sending (\d+) messages: .*?acks = (.*?), ping = (true|false) .*?state_req = (.*?) \(msg_id.*?cancels = (.*?) \(msg_id.*?salts_req = (true|false) .*?rpc = (.*), container = (true|false)/.exec(text)
    if (!m) continue
    s.packets++
    const count = Number(m[1])
    if (m[8] === 'true') {
      s.containers++
      s.maxInContainer = Math.max(s.maxInContainer, count)
      if (m[2] !== 'null' && m[2] !== 'n/a') s.ackedInContainer++
    }
    if (m[3] === 'true') s.pings++
    if (m[4] !== 'null' && m[4] !== 'n/a') s.stateReqs++
    if (m[5] !== 'null' && m[5] !== 'n/a') s.cancels++
    if (m[6] === 'true') s.saltReqs++
    s.rpcs += (m[7].match(/'[^']+'/g) ?? []).length
  }
  return s
}

function received(lines, type, from = 0) {
  return lines.slice(from).filter((l) => l.text.startsWith(`received ${type} `)).length
}

async function mtcuteScenario(config, meta, dcId) {
  const { client, lines } = await mtcuteWithCapture(config, dcId)
  try {
    const channel = config.channels[0]
    const inputChannel = async () => {
      const r = await client.call({ _: 'contacts.resolveUsername', username: USERNAME })
      const c = r.chats.find((x) => x._ === 'channel')
      return { _: 'inputChannel', channelId: c.id, accessHash: c.accessHash }
    }
    const ic = await inputChannel()
    const got = await client.call({ _: 'channels.getMessages', channel: ic, id: [{ _: 'inputMessageID', id: meta.id }] })
    const doc = got.messages[0]?.media?.document
    check(doc?._ === 'document', `message ${meta.id} carries no document`)
    const location = { _: 'inputDocumentFileLocation', id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: '' }

    // M1: a burst of concurrent calls of four kinds
    let mark = lines.length
    const kinds = [
      [() => client.call({ _: 'help.getNearestDc' }), (r) => r.thisDc === dcId && r._ === 'nearestDc'],
      [() => client.call({ _: 'help.getConfig' }), (r) => r._ === 'config' && r.thisDc === dcId && r.dcOptions.length === config.dcs.length],
      [() => client.call({ _: 'contacts.resolveUsername', username: USERNAME }), (r) => r.chats.some((c) => String(c.id) === String(channel.id))],
      [() => client.call({ _: 'channels.getMessages', channel: ic, id: [{ _: 'inputMessageID', id: meta.id }] }),
        (r) => String(r.messages[0]?.media?.document?.id) === String(doc.id)],
    ]
    const N = 240
    const started = Date.now()
    const burst = await Promise.all(Array.from({ length: N }, (_, i) => kinds[i % kinds.length][0]()))
    burst.forEach((r, i) => check(kinds[i % kinds.length][1](r), `M1: answer ${i} of the burst is wrong: ${JSON.stringify(r).slice(0, 200)}`))
    const m1 = sendStats(lines, mark)
    check(m1.containers >= 1, 'M1: mtcute sent no msg_container for 240 concurrent calls')
    check(m1.rpcs >= N, `M1: mtcute sent ${m1.rpcs} queries, expected at least ${N}`)
    log(`M1 ${N} concurrent calls (nearestDc, getConfig, resolveUsername, getMessages) all correct in ${Date.now() - started} ms: ` +
      `${m1.packets} packets, ${m1.containers} msg_containers (largest ${m1.maxInContainer} messages, ${m1.ackedInContainer} carrying msgs_ack)`)

    // M2: 48 concurrent upload.getFile of 64 KiB parts, hashed in order
    mark = lines.length
    const parts = Math.ceil(meta.size / PART)
    const files = await Promise.all(Array.from({ length: parts }, (_, i) =>
      client.call({ _: 'upload.getFile', location, offset: i * PART, limit: PART })))
    const hash = createHash('sha256')
    files.forEach((f, i) => {
      checkEqual(f._, 'upload.file', `M2: part ${i}`)
      hash.update(f.bytes)
    })
    checkEqual(hash.digest('hex'), meta.sha256, 'M2: SHA-256 of the concurrently fetched parts')
    const m2 = sendStats(lines, mark)
    log(`M2 ${parts} concurrent upload.getFile (${PART >> 10} KiB parts) in ${m2.packets} packets: SHA-256 matches`)

    // M3: a chain (invokeAfterMsg), a slow query first, then quick ones; one gzip_packed
    mark = lines.length
    const order = []
    const many = Array.from({ length: 120 }, () => ({ _: 'inputMessageID', id: meta.id }))
    const chain = [
      ['upload.getFile 1 MiB', { _: 'upload.getFile', location, offset: 0, limit: 1 << 20 }, (r) => r._ === 'upload.file' && r.bytes.length === Math.min(1 << 20, meta.size)],
      ['help.getNearestDc', { _: 'help.getNearestDc' }, (r) => r.thisDc === dcId],
      ['channels.getMessages x120 (gzip_packed)', { _: 'channels.getMessages', channel: ic, id: many }, (r) => r.messages.length >= 1],
      ['help.getNearestDc', { _: 'help.getNearestDc' }, (r) => r.thisDc === dcId],
    ]
    const chained = await Promise.all(chain.map(([name, req, ok], i) =>
      client.call(req, { chainId: 'foreign' }).then((r) => {
        order.push(i)
        check(ok(r), `M3: chained ${name} answered wrongly`)
        return r
      })))
    checkEqual(chained.length, chain.length, 'M3: chained answers')
    checkEqual(order.join(','), chain.map((_, i) => i).join(','), 'M3: order in which the invokeAfterMsg chain was answered')
    const gzipped = lines.slice(mark).some((l) => /^gzipped channels\.getMessages/.test(l.text))
    check(gzipped, 'M3: mtcute did not gzip the long channels.getMessages (the check needs a gzip_packed query)')
    log(`M3 invokeAfterMsg chain of ${chain.length} (slow upload.getFile first, a gzip_packed query inside) answered in order`)

    // M5: rpc_drop_answer for a query the server is still running
    mark = lines.length
    const abort = new AbortController()
    const dropped = client.call({ _: 'help.getNearestDc' }, { abortSignal: abort.signal })
    dropped.catch(() => {})
    await sleep(300)
    abort.abort()
    await dropped.then(() => { throw new Error('M5: the aborted call resolved') }, () => {})
    await sleep(LATENCY_MS + 800)
    const cancelStats = sendStats(lines, mark)
    check(cancelStats.cancels >= 1, 'M5: mtcute sent no rpc_drop_answer')
    const dropAnswer = lines.slice(mark).map((l) => /^received (\S+) for cancelled request/.exec(l.text)).find(Boolean)
    check(dropAnswer, 'M5: no answer to rpc_drop_answer reached mtcute')
    checkEqual(dropAnswer[1], 'mt_rpc_answer_dropped_running',
      'M5: the answer to rpc_drop_answer for a query still being processed')
    const after = await client.call({ _: 'help.getNearestDc' })
    checkEqual(after.thisDc, dcId, 'M5: a call after the cancellation')
    log(`M5 rpc_drop_answer for a running query: ${dropAnswer[1]}; the session goes on`)

    // M4: msgs_state_req for long-pending queries (all of the above waited > 1.5 s)
    const all = sendStats(lines)
    const stateInfos = received(lines, 'mt_msgs_state_info')
    const statuses = lines.map((l) => /^received message info for \S+: message is still pending \(status = (\d+)\)/.exec(l.text)).filter(Boolean).map((m) => Number(m[1]))
    check(all.stateReqs >= 1, 'M4: mtcute sent no msgs_state_req (is --latency in effect?)')
    check(stateInfos >= 1, 'M4: no msgs_state_info came back')
    check(statuses.length >= 1 && statuses.every((s) => (s & 7) === 4),
      `M4: msgs_state_info statuses for pending queries should be 4 (received), got ${statuses.join(',')}`)
    log(`M4 ${all.stateReqs} msgs_state_req -> ${stateInfos} msgs_state_info, statuses ${[...new Set(statuses)].join('/')} (received)`)

    // M6: future salts (mtcute asks 64 at session start)
    const salts = await client.storage.mt.salts.fetch(dcId)
    check(all.saltReqs >= 1 && received(lines, 'mt_future_salts') >= 1, 'M6: no get_future_salts / future_salts exchanged')
    check(salts && salts.length >= 2, `M6: mtcute stored ${salts?.length ?? 0} future salts`)
    const now = Date.now() / 1000
    const covering = salts.filter((s) => s.validSince <= now && now < s.validUntil)
    check(covering.length >= 1 || salts[0].validSince > now, `M6: no future salt covers now (${now})`)
    for (let i = 1; i < salts.length; i++) {
      check(salts[i].validSince > salts[i - 1].validSince, `M6: future salts not increasing at ${i}`)
      check(salts[i].validSince <= salts[i - 1].validUntil, `M6: gap in the future salts before ${i}`)
    }
    log(`M6 get_future_salts: ${salts.length} salts kept, contiguous up to ${new Date(salts.at(-1).validUntil * 1000).toISOString()}`)

    // M7: keep-alive pings: every ~rtt while calls are pending, pingInterval (+ up to 5 s of
    // mtcute's random delay) when idle; every one must be answered
    mark = lines.length
    await sleep(6000)
    const idle = sendStats(lines, mark)
    const pingsAll = sendStats(lines).pings
    const pongsAll = received(lines, 'mt_pong')
    check(idle.pings >= 1, `M7: mtcute sent no ping in 6 s idle (pingInterval 500 ms)`)
    check(pongsAll >= pingsAll - 1, `M7: ${pingsAll} ping_delay_disconnect but ${pongsAll} pongs`)
    log(`M7 ${pingsAll} ping_delay_disconnect (${idle.pings} while idle), ${pongsAll} pongs`)

    const complaints = lines.filter((l) => l.level <= 2)
    checkEqual(complaints.length, 0, `mtcute warnings/errors: ${complaints.map((l) => `[${l.tag}] ${l.text}`).join(' | ')}`)
    log(`mtcute totals: ${all.packets} packets, ${all.containers} containers, ${all.stateReqs} msgs_state_req, ` +
      `${all.saltReqs} get_future_salts, ${all.cancels} rpc_drop_answer; no warnings`)
  } finally {
    await client.destroy()
  }
}

// ---------------------------------------------------------------------------------- GramJS

/** Makes the sender hand service messages of these classes to `seen` (GramJS has no handler for them). */
function captureService(client, classes) {
  const seen = []
  for (const cls of classes) {
    client._sender._handlers[cls.CONSTRUCTOR_ID.toString()] = async (message) => {
      seen.push({ msgId: message.msgId, obj: message.obj, at: Date.now() })
    }
  }
  return seen
}

/** Sends a raw request through GramJS's sender; resolves with {state, result}. */
async function sendRaw(client, request) {
  const state = new RequestState(request)
  client._sender.addStateToQueue(state)
  return { state, result: state.promise }
}

async function waitFor(predicate, ms, what) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const v = predicate()
    if (v) return v
    await sleep(20)
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`)
}

async function gramScenario(config, dcId) {
  const client = await createGramClient(config, { dcId, connection: 'full', autoReconnect: false })
  try {
    const seen = captureService(client, [Api.DestroySessionOk, Api.DestroySessionNone])

    // G1: plain ping
    const pingId = bigInt.randBetween('-9223372036854775808', '9223372036854775807')
    const { state: pingState, result: pingResult } = await sendRaw(client, new Api.Ping({ pingId }))
    const pong = await pingResult
    check(pong instanceof Api.Pong, `G1: ping answered ${pong?.className}`)
    check(pong.pingId.equals(pingId), `G1: pong ping_id ${pong.pingId} differs from ${pingId}`)
    check(pong.msgId.equals(pingState.msgId), 'G1: pong msg_id is not the ping\'s')
    log('G1 GramJS ping -> pong with the same ping_id and msg_id')

    // G2: destroy_session of a session that does not exist
    const other = bigInt.randBetween('1', '9223372036854775807')
    const { result: destroyResult } = await sendRaw(client, new Api.DestroySession({ sessionId: other }))
    let wrapped = null
    destroyResult.then((r) => { wrapped = r }, () => {})
    const destroyed = await waitFor(() => seen.find((s) => s.obj instanceof Api.DestroySessionOk || s.obj instanceof Api.DestroySessionNone) || wrapped, 10_000, 'the answer to destroy_session')
    check(destroyed !== wrapped, 'G2: destroy_session was answered inside rpc_result; Telegram sends destroy_session_ok/none as a message of its own')
    check(destroyed.obj instanceof Api.DestroySessionNone, `G2: destroy_session of an unknown session answered ${destroyed.obj.className}`)
    check(destroyed.obj.sessionId.equals(other), 'G2: destroy_session_none.session_id')
    const still = await client.invoke(new Api.help.GetNearestDc())
    checkEqual(still.thisDc, dcId, 'G2: a call after destroy_session')
    log('G2 destroy_session (unknown session) -> destroy_session_none as its own message; session goes on')

    // G3: ping_delay_disconnect with a short delay, then silence
    const socket = client._sender._connection.socket.client
    let closedAt = 0
    socket.once('close', () => { closedAt = Date.now() })
    const { result: pdd } = await sendRaw(client, new Api.PingDelayDisconnect({ pingId: bigInt(42), disconnectDelay: 2 }))
    const pong2 = await pdd
    const pongAt = Date.now()
    check(pong2.pingId.equals(42), 'G3: ping_delay_disconnect pong ping_id')
    await waitFor(() => closedAt, 8_000, 'the server to close the connection after disconnect_delay')
    const after = (closedAt - pongAt) / 1000
    check(after >= 1.0 && after <= 4.5, `G3: the server closed the connection ${after.toFixed(1)} s after a 2 s disconnect_delay`)
    log(`G3 ping_delay_disconnect(2 s) -> the server closed the connection after ${after.toFixed(1)} s`)
  } finally {
    await client.destroy()
  }
}

// ---------------------------------------------------------------------------------- main

runScenario('foreign-behaviour', async () => {
  const launcher = await startLauncher(['--dcs', '2', '--file', `${FILE}:3MiB:2`, '--guest-access', '--latency', String(LATENCY_MS)])
  let failed = true
  try {
    const { config } = launcher
    const { message } = demoFile(config, FILE)
    const dcId = message.dc
    log(`launcher: --latency ${LATENCY_MS} ms, ${FILE} ${message.size} bytes on DC ${dcId}`)

    await gramScenario(config, dcId)
    await mtcuteScenario(config, message, dcId)
    failed = false
  } finally {
    const status = await launcher.stop()
    if (!failed) checkEqual(status, 0, 'the launcher exit status')
  }
})
