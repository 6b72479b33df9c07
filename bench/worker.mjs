// Benchmark clients: real yjs + y-websocket clients, whole rooms per process, typing at a
// human rate. Reads one JSON job on stdin, prints "ready", waits for "go", prints results.
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const now = () => performance.timeOrigin + performance.now()
const lines = createInterface({ input: process.stdin })
const queue = []
let waiting = null
lines.on('line', (line) => { if (waiting) { const w = waiting; waiting = null; w(line) } else queue.push(line) })
const nextLine = () => queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => { waiting = resolve })

const job = JSON.parse(await nextLine())
const clients = []
const latencies = []
const deadline = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), ms))

function makeClient (spec) {
  const doc = new Y.Doc()
  const params = spec.token ? { token: spec.token } : {}
  const provider = new WebsocketProvider(spec.url || job.url, spec.room, doc, { params, WebSocketPolyfill: WebSocket, disableBc: true })
  const client = { spec, doc, provider, sent: [], card: null, closes: 0 }
  process.setMaxListeners(0)
  provider.on('connection-close', (e) => { if (e) client.closes++ })
  const seen = new Map()
  doc.getArray('worries').observeDeep((events) => {
    const t = now()
    for (const event of events) {
      if (!(event.target instanceof Y.Text)) continue
      const writer = event.target.parent.get('author')
      if (writer === spec.me) continue
      const length = event.target.length
      const before = seen.get(writer) || 0
      const sender = job.byId[writer]
      for (let k = before; k < length; k++) {
        const sentAt = sender && sender.sent[k]
        if (sentAt !== undefined) latencies.push(t - sentAt)
      }
      seen.set(writer, Math.max(before, length))
    }
  })
  return client
}

job.byId = {}
for (const spec of job.clients) {
  const client = makeClient(spec)
  clients.push(client)
  job.byId[spec.me] = client
}
await Promise.race([
  Promise.all(clients.map((c) => new Promise((resolve) => c.provider.synced ? resolve() : c.provider.once('sync', resolve)))),
  deadline(120000, 'clients to sync')
])
for (const client of clients) {
  const card = new Y.Map()
  card.set('id', 'c' + client.spec.me)
  card.set('text', new Y.Text(''))
  card.set('kind', 'harm')
  card.set('author', client.spec.me)
  card.set('created', new Date().toISOString())
  client.doc.getArray('worries').push([card])
  client.card = card
}
// every client sees every card of its room before the clock starts
const roomSize = {}
for (const c of clients) roomSize[c.spec.room] = (roomSize[c.spec.room] || 0) + 1
await Promise.race([
  new Promise((resolve) => {
    const check = () => clients.every((c) => c.doc.getArray('worries').length >= roomSize[c.spec.room]) ? resolve() : setTimeout(check, 50)
    check()
  }),
  deadline(120000, 'cards to arrive')
])
process.stdout.write('ready\n')
await nextLine() // go

const stopAt = now() + job.durationMs
await Promise.all(clients.map((client) => new Promise((resolve) => {
  const tick = () => {
    if (now() >= stopAt) return resolve()
    const text = client.card.get('text')
    client.sent[text.length] = now()
    text.insert(text.length, 'x')
    setTimeout(tick, job.intervalMs * (0.5 + Math.random()))
  }
  setTimeout(tick, Math.random() * job.intervalMs)
})))

// wait until every client shows every other client's last character (or give up)
const expected = clients.reduce((sum, c) => sum + c.sent.length * (roomSize[c.spec.room] - 1), 0)
const settleBy = now() + 30000
while (now() < settleBy && latencies.length < expected) await new Promise((resolve) => setTimeout(resolve, 50))

const rooms = {}
for (const c of clients) {
  const state = JSON.stringify(c.doc.getArray('worries').toJSON().map((card) => [card.id, card.text]).sort())
  ;(rooms[c.spec.room] ||= new Set()).add(state)
}
const converged = Object.values(rooms).every((states) => states.size === 1)
const result = JSON.stringify({
  latencies, expected, received: latencies.length, converged,
  edits: clients.reduce((sum, c) => sum + c.sent.length, 0),
  closes: clients.reduce((sum, c) => sum + c.closes, 0)
}) + '\n'
for (const c of clients) c.provider.destroy()
// exit only once the (large) line is out of our hands: a pipe drains asynchronously
process.stdout.write(result, () => process.exit(0))
