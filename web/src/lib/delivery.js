// Whether what this person changed has reached the server, said only when it is true.
//
// y-websocket sends a change and hears nothing back: the server stores it and passes it on
// to the others, never to its sender. So the page asks. It sends a sync step 1 whose state
// vector leaves out its own client: the server answers (a sync step 2) with everything it
// holds from this client, and the end of that range is the server's clock for us. The
// server answers a step 1 only once what it has applied is stored (docs/architecture.md),
// and an update it refused or holds back is not in its document, so an answer that reaches
// our own clock means: stored. Until then the page says "waiting to send".
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

const MESSAGE_SYNC = 0 // y-websocket's message types (y-protocols/sync)
const STEP1 = 0
const STEP2 = 1
const ASK_AGAIN_MS = 1000 // an answer that did not cover us yet: the update may still be queued
const GATHER_MS = 150 // a burst of keystrokes is one question

export function deliveryOf (doc, provider) {
  const listeners = new Set()
  let wanted = 0 // our clock after our last change
  let stored = 0 // our clock as the server last said it holds
  let asking = 0
  const sockets = new WeakSet()
  const waiting = [] // [clock, callback] for whoever waits for a change to be stored

  const state = () => wanted <= stored ? 'sent' : provider.wsconnected ? 'sending' : 'waiting'
  const tell = () => { for (const listener of [...listeners]) listener(state()) }

  const ask = (delay = GATHER_MS) => {
    clearTimeout(asking)
    asking = setTimeout(() => {
      asking = 0
      const ws = provider.ws
      if (wanted <= stored || !provider.wsconnected || !ws || ws.readyState !== 1) return
      const vector = Y.decodeStateVector(Y.encodeStateVector(doc))
      vector.delete(doc.clientID)
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MESSAGE_SYNC)
      encoding.writeVarUint(encoder, STEP1)
      encoding.writeVarUint8Array(encoder, Y.encodeStateVector(vector))
      ws.send(encoding.toUint8Array(encoder))
      asking = setTimeout(() => { asking = 0; ask(0) }, ASK_AGAIN_MS)
    }, delay)
  }

  const heard = (event) => {
    if (!(event.data instanceof ArrayBuffer)) return
    try {
      const decoder = decoding.createDecoder(new Uint8Array(event.data))
      if (decoding.readVarUint(decoder) !== MESSAGE_SYNC || decoding.readVarUint(decoder) !== STEP2) return
      const { from, to } = Y.parseUpdateMeta(decoding.readVarUint8Array(decoder))
      // Only an answer that starts at our first change speaks for all of them.
      if (from.get(doc.clientID) !== 0) return
      const clock = to.get(doc.clientID) ?? 0
      if (clock <= stored) return
      stored = clock
      for (let i = waiting.length - 1; i >= 0; i--) {
        if (waiting[i][0] <= stored) waiting.splice(i, 1)[0][1]()
      }
      tell()
    } catch {
      // Not ours to read: y-websocket handles the message as it always does.
    }
  }

  const listen = () => {
    const ws = provider.ws
    if (ws && !sockets.has(ws)) { sockets.add(ws); ws.addEventListener('message', heard) }
  }

  doc.on('update', (update, origin) => {
    if (origin === provider) return
    const now = Y.getState(doc.store, doc.clientID)
    if (now <= wanted) return
    wanted = now
    tell()
    ask()
  })
  provider.on('status', ({ status }) => {
    if (status === 'connected') listen()
    tell()
  })
  provider.on('sync', (synced) => { if (synced) ask(0) })
  listen()

  return {
    get state () { return state() },
    // `callback` runs once the server holds every change made so far.
    whenStored (callback) {
      if (wanted <= stored) callback()
      else waiting.push([wanted, callback])
    },
    // `listener(state)` on every change of state; returns the way to stop listening.
    listen (listener) {
      listeners.add(listener)
      listener(state())
      return () => listeners.delete(listener)
    },
    stop () { clearTimeout(asking); listeners.clear() }
  }
}
