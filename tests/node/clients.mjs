// Real Yjs clients (yjs + y-websocket, unmodified) driven by the Python tests over stdio.
// One JSON request a line in, one JSON reply a line out: {id, ok, result | error}.
import { serve } from './stdio.mjs'
import { inflateSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { Y, WebsocketProvider, WebSocket } from './yjs.mjs'

const clients = new Map()

// The participant id inside a token (itsdangerous: base64url JSON, zlib'd when that is shorter).
function participantOf (token) {
  try {
    const compressed = token.startsWith('.')
    const payload = Buffer.from(token.replace(/^\./, '').split('.')[0], 'base64url')
    return JSON.parse((compressed ? inflateSync(payload) : payload).toString()).p
  } catch { return null }
}

function client (name) {
  const c = clients.get(name)
  if (!c) throw new Error(`no client ${name}`)
  return c
}

function until (c, predicate, timeout, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      let value
      try { value = predicate() } catch (e) { return }
      if (value !== undefined && value !== false) { done(); resolve(value) }
    }
    const done = () => { c.doc.off('update', check); clearTimeout(timer); clearInterval(poll) }
    const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${what}`)) }, timeout)
    // updates drive the check; the interval catches changes that are not document updates
    // (connection status, close events)
    const poll = setInterval(check, 20)
    c.doc.on('update', check)
    check()
  })
}

function itemMap (item, me, textFields) {
  const map = new Y.Map()
  for (let [key, value] of Object.entries(item)) {
    if (value === '$me') value = me
    map.set(key, textFields.includes(key) ? new Y.Text(value) : value)
  }
  return map
}

function varUint (n) {
  const out = []
  while (n > 0x7f) { out.push(0x80 | (n & 0x7f)); n = Math.floor(n / 128) }
  out.push(n)
  return out
}

const MAP_ROOTS = new Set(['meta', 'participants', 'scales'])

function walk (c, path) {
  let [root, ...rest] = path
  let node = MAP_ROOTS.has(root) ? c.doc.getMap(root) : c.doc.getArray(root)
  for (const step of rest) node = node.get(step === '$me' ? c.me : step)
  return node
}

function shared (value, me) {
  if (value === '$me') return me
  if (value && typeof value === 'object' && '$map' in value) {
    const map = new Y.Map()
    for (const [k, v] of Object.entries(value.$map)) map.set(k, shared(v, me))
    return map
  }
  return value
}

const ops = {
  // `cookie` and `origin` are sent with the handshake, as a browser would.
  // `tokenIn`: 'query' (?token=, y-websocket's `params`) or 'protocol' (a WebSocket
  // subprotocol, as the pages send it: never in the address). `ca`: a certificate file to
  // trust for wss:// (a test's own).
  connect ({ name, url, board, token, params = {}, cookie, origin, wait = true, timeout = 10000, tokenIn = 'query', ca }) {
    const doc = new Y.Doc()
    const headers = {}
    if (cookie) headers.Cookie = cookie
    if (origin) headers.Origin = origin
    const options = ca ? { headers, ca: readFileSync(ca) } : { headers }
    class BrowserLikeSocket extends WebSocket {
      constructor (address, protocols) { super(address, protocols, options) }
    }
    const inQuery = token && tokenIn === 'query'
    const provider = new WebsocketProvider(url, board, doc, {
      params: inQuery ? { token, ...params } : params,
      protocols: token && !inQuery ? ['netwerkbord', `netwerkbord.token.${token}`] : [],
      WebSocketPolyfill: BrowserLikeSocket,
      disableBc: true
    })
    const joinToken = cookie && (cookie.match(/nb_join_[^=]+=([^;]+)/) || [])[1]
    const c = { doc, provider, closes: [], statuses: [], removed: [], me: participantOf(token || joinToken || '') }
    provider.awareness.on('change', ({ removed }) => c.removed.push(...removed))
    provider.on('connection-close', (event) => {
      if (event) c.closes.push({ code: event.code, reason: event.reason })
    })
    provider.on('status', ({ status }) => c.statuses.push(status))
    clients.set(name, c)
    if (!wait) return null
    return until(c, () => provider.synced || (c.closes.length > 0 && { closed: c.closes[0] }),
      timeout, `${name} to sync`).then((v) => v === true ? { synced: true } : v)
  },

  // `count` copies, ids numbered, in one update.
  add ({ name, part, item, count = 1, textFields = ['text', 'rule'] }) {
    const { doc, me } = client(name)
    const copies = count === 1 ? [item] : [...Array(count).keys()].map((i) => ({ ...item, id: `${item.id}-${i}` }))
    doc.getArray(part).push(copies.map((copy) => itemMap(copy, me, textFields)))
    return doc.getArray(part).length
  },

  // One update that puts a new item first and types in the item then at `index`.
  add_first_and_type ({ name, part, item, index, text, textFields = ['text', 'rule'] }) {
    const { doc, me } = client(name)
    doc.transact(() => {
      doc.getArray(part).insert(0, [itemMap(item, me, textFields)])
      const ytext = doc.getArray(part).get(index).get('text')
      ytext.insert(ytext.length, text)
    })
    return doc.getArray(part).length
  },

  type ({ name, part, index, field = 'text', position = -1, text }) {
    const ytext = client(name).doc.getArray(part).get(index).get(field)
    ytext.insert(position < 0 ? ytext.length : position, text)
    return ytext.toString()
  },

  remove ({ name, part, index }) {
    client(name).doc.getArray(part).delete(index, 1)
    return null
  },

  set ({ name, map, key, value }) {
    client(name).doc.getMap(map).set(key, value)
    return null
  },

  set_field ({ name, part, index, key, value }) {
    client(name).doc.getArray(part).get(index).set(key, value)
    return null
  },

  // Anywhere in the document: `path` starts at a root (a map root, or an array root then an
  // index) and goes down through maps. A value {"$map": {...}} becomes a Y.Map (nested too),
  // "$me" the client's own participant id. The hostile relative's general tool.
  set_in ({ name, path, key, value }) {
    const c = client(name)
    walk(c, path).set(key === '$me' ? c.me : key, shared(value, c.me))
    return null
  },

  delete_in ({ name, path, key }) {
    const c = client(name)
    walk(c, path).delete(key === '$me' ? c.me : key)
    return null
  },

  // Formatting and embeds, which no page makes: a board's texts are plain text.
  format ({ name, part, index, field = 'text', position = 0, length = 1, attributes }) {
    client(name).doc.getArray(part).get(index).get(field).format(position, length, attributes)
    return null
  },

  insert_formatted ({ name, part, index, field = 'text', text, attributes }) {
    const ytext = client(name).doc.getArray(part).get(index).get(field)
    ytext.insert(ytext.length, text, attributes)
    return null
  },

  // A text as Yjs holds it: its inserts with their attributes, embeds as they are.
  delta ({ name, part, index, field = 'text' }) {
    return client(name).doc.getArray(part).get(index).get(field).toDelta()
  },

  insert_embed ({ name, part, index, field = 'text', embed }) {
    const ytext = client(name).doc.getArray(part).get(index).get(field)
    ytext.insertEmbed(ytext.length, embed)
    return null
  },

  me ({ name }) { return client(name).me },

  // For clients that came in with a session, not a token: learn who they are from the
  // participants map the server writes, by name.
  wait_me ({ name, person, timeout = 10000 }) {
    const c = client(name)
    return until(c, () => {
      for (const [id, p] of c.doc.getMap('participants').entries()) {
        if (p.get('name') === person) { c.me = id; return id }
      }
      return undefined
    }, timeout, `${name} to appear as ${person}`)
  },

  rate ({ name, scale = 'safety', participant = '$me', value }) {
    const c = client(name)
    c.doc.getMap('scales').get(scale).get('ratings').set(participant === '$me' ? c.me : participant, value)
    return null
  },

  json ({ name }) {
    const { doc } = client(name)
    const parts = ['meta', 'participants', 'scales']
    const out = {}
    for (const part of parts) out[part] = doc.getMap(part).toJSON()
    for (const part of ['worries', 'working_well', 'next_steps', 'danger_statements',
      'safety_goals', 'bottom_lines', 'plan', 'network']) out[part] = doc.getArray(part).toJSON()
    return out
  },

  wait_length ({ name, part, length, timeout = 10000 }) {
    const c = client(name)
    return until(c, () => c.doc.getArray(part).length === length, timeout,
      `${name}: ${part} to have ${length} items`)
  },

  wait_text ({ name, part, index, field = 'text', includes, timeout = 10000 }) {
    const c = client(name)
    return until(c, () => {
      const item = c.doc.getArray(part).get(index)
      return item && item.get(field).toString().includes(includes)
    }, timeout, `${name}: "${includes}" in ${part}[${index}]`)
  },

  wait_closed ({ name, timeout = 10000 }) {
    const c = client(name)
    return until(c, () => c.closes.length > 0 && c.closes[c.closes.length - 1], timeout,
      `${name} to be closed`)
  },

  wait_synced ({ name, timeout = 10000 }) {
    const c = client(name)
    return until(c, () => c.provider.synced, timeout, `${name} to sync again`)
  },

  // Types `count` characters, one every `interval` ms, in the background.
  storm ({ name, part, index, field = 'text', count, interval = 5, char = 'x' }) {
    const c = client(name)
    let typed = 0
    c.storm = setInterval(() => {
      const ytext = c.doc.getArray(part).get(index).get(field)
      ytext.insert(ytext.length, char)
      if (++typed >= count) clearInterval(c.storm)
    }, interval)
    return null
  },

  stop_storm ({ name }) {
    clearInterval(client(name).storm)
    return null
  },

  wait_text_length ({ name, part, index, field = 'text', length, timeout = 10000 }) {
    const c = client(name)
    return until(c, () => {
      const item = c.doc.getArray(part).get(index)
      return item && item.get(field).length >= length && item.get(field).length
    }, timeout, `${name}: ${part}[${index}] to reach ${length} characters`)
  },

  texts ({ name, part, field = 'text' }) {
    return client(name).doc.getArray(part).toArray().map((item) => item.get(field).toString())
  },

  // Who typed what, in document order: [[client id, text], ...], neighbours of one client
  // joined. Equal strings can hide whose letters they are; this shows it.
  runs ({ name, part, index, field = 'text' }) {
    const runs = []
    for (let item = client(name).doc.getArray(part).get(index).get(field)._start; item; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) continue
      const last = runs[runs.length - 1]
      if (last && last[0] === item.id.client) last[1] += item.content.str
      else runs.push([item.id.client, item.content.str])
    }
    return runs
  },

  closes ({ name }) { return client(name).closes },

  state ({ name }) { return Buffer.from(Y.encodeStateAsUpdate(client(name).doc)).toString('base64') },

  state_vector ({ name }) {
    return Buffer.from(Y.encodeStateVector(client(name).doc)).toString('base64')
  },

  awareness ({ name, state }) {
    const { provider } = client(name)
    if (state !== undefined) provider.awareness.setLocalState(state)
    return [...provider.awareness.getStates().entries()].map(([id, s]) => ({ id, state: s }))
  },

  // What this client knows of everyone's awareness clock: { client id: clock }.
  awareness_clocks ({ name }) {
    const clocks = {}
    for (const [id, meta] of client(name).provider.awareness.meta) clocks[id] = meta.clock
    return clocks
  },

  // A raw awareness message on this client's socket, as a hostile client would write it:
  // [{client, clock, state}], any client id, any state.
  send_awareness ({ name, entries }) {
    const bytes = [1] // messageAwareness
    const body = [...varUint(entries.length)]
    for (const { client: id, clock, state } of entries) {
      const text = Buffer.from(JSON.stringify(state))
      body.push(...varUint(id), ...varUint(clock), ...varUint(text.length), ...text)
    }
    bytes.push(...varUint(body.length), ...body)
    client(name).provider.ws.send(Uint8Array.from(bytes))
    return null
  },

  // Off the network and back, on the same page: same document, same client id, same
  // presence (what a phone does going through a tunnel).
  pause ({ name }) { client(name).provider.disconnect(); return null },

  resume ({ name, timeout = 10000 }) {
    const c = client(name)
    c.provider.connect()
    return until(c, () => c.provider.synced && c.provider.wsconnected, timeout, `${name} back`)
  },

  client_id ({ name }) { return client(name).doc.clientID },

  // Every client id whose awareness state this client was told to drop, in order.
  awareness_removed ({ name }) { return client(name).removed },

  // The same document and awareness, to another server: what a load balancer does when a
  // process dies (a page's provider keeps its awareness, and its clock, when it reconnects).
  reconnect ({ name, url, board, token, timeout = 30000 }) {
    const c = client(name)
    const awareness = c.provider.awareness
    c.provider.destroy()
    c.provider = new WebsocketProvider(url, board, c.doc, {
      params: { token }, WebSocketPolyfill: WebSocket, disableBc: true, awareness
    })
    c.provider.on('connection-close', (event) => { if (event) c.closes.push({ code: event.code, reason: event.reason }) })
    return until(c, () => c.provider.synced, timeout, `${name} to sync with ${url}`)
  },

  disconnect ({ name }) {
    const c = client(name)
    clearInterval(c.storm)
    c.provider.destroy()
    clients.delete(name)
    return null
  }
}

serve(ops, () => {
  for (const c of clients.values()) c.provider.destroy()
})
