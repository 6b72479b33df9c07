// The live document: one Y.Doc synced with the server by the unmodified y-websocket
// provider. Nothing is written to the browser's storage: the board lives in memory only.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { readAuthMessage } from 'y-protocols/auth'

// Close codes from the server (docs/protocol.md).
const RESET = new Set([4403, 4409]) // our copy no longer matches the board: start afresh
const FINAL = {
  4400: 'live.closed.malformed',
  4401: 'live.closed.token',
  4404: 'live.closed.missing',
  4410: 'live.closed.ended',
  4429: 'live.closed.flood',
  4430: 'live.closed.origin'
}
// Passing: y-websocket reconnects by itself, but the person should know why it waits.
const PASSING = { 4530: 'live.closed.too_many' }
const MESSAGE_AUTH = 2 // y-protocols: the server's answer about this page's rights
// A token link puts the token in the address; keep it in memory only, so it is not on the
// projected screen, in a bookmark or in the next page's history entry.
function forgetTokenInAddress () {
  const url = new URL(location.href)
  if (!url.searchParams.has('token')) return
  url.searchParams.delete('token')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)
}

export class LiveBoard {
  constructor (cfg, { onDoc, onStatus, onClosed, onPresence }) {
    this.cfg = cfg
    forgetTokenInAddress()
    this.handlers = { onDoc, onStatus, onClosed, onPresence }
    this.resets = 0
    this.start()
  }

  get url () {
    return location.origin.replace(/^http/, 'ws') + '/ws/boards'
  }

  start () {
    const doc = new Y.Doc()
    const params = { epoch: this.cfg.board.epoch }
    if (this.cfg.view === 'projector') params.view = 'project'
    // The token travels as a WebSocket subprotocol (a request header), never in the
    // address: an address is in every proxy's logs (docs/security.md).
    const protocols = this.cfg.token ? ['netwerkbord', 'netwerkbord.token.' + this.cfg.token] : []
    const provider = new WebsocketProvider(this.url, this.cfg.board.id, doc, {
      params, protocols, disableBc: true, maxBackoffTime: 5000
    })
    this.doc = doc
    this.provider = provider
    if (this.cfg.me.role === 'viewer') {
      // A page that only watches is told so by the server ("read-only"); that is what it
      // asked for, not a warning for the console.
      provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => readAuthMessage(decoder, doc, () => {})
    }
    if (this.cfg.view !== 'projector') {
      provider.awareness.setLocalStateField('user', {
        id: this.cfg.me.id, name: this.cfg.me.name, role: this.cfg.me.role, color: this.cfg.me.color
      })
    }
    provider.on('status', ({ status }) => this.handlers.onStatus(status, provider.synced))
    provider.on('sync', (synced) => this.handlers.onStatus(provider.wsconnected ? 'connected' : 'connecting', synced))
    provider.on('connection-close', (event) => this.closed(event))
    provider.awareness.on('change', () => this.handlers.onPresence(this.presence()))
    this.handlers.onDoc(doc, provider)
    this.handlers.onPresence(this.presence())
  }

  closed (event) {
    if (!event) return
    if (RESET.has(event.code)) {
      // The server refused a change of ours (or holds another history): throw our copy
      // away and sync afresh, so the screen matches the board again.
      this.resets += 1
      this.handlers.onClosed(event.code === 4409 ? 'live.closed.restored' : 'live.closed.refused', event.reason, false)
      this.provider.destroy()
      this.doc.destroy()
      const fresh = event.code === 4409 ? this.boardNow() : Promise.resolve()
      fresh.finally(() => setTimeout(() => this.start(), Math.min(5000, 250 * this.resets)))
      return
    }
    if (FINAL[event.code]) this.handlers.onClosed(FINAL[event.code], event.reason, true)
    else if (PASSING[event.code]) this.handlers.onClosed(PASSING[event.code], event.reason, false)
  }

  // The board's current history (its epoch) and who we are on it, asked for again when
  // the board was restored: reconnecting with the old epoch would only be refused again.
  async boardNow () {
    const view = this.cfg.view === 'projector' ? '?view=projector' : ''
    const headers = this.cfg.token ? { 'x-board-token': this.cfg.token } : {}
    try {
      const response = await fetch(`/boards/${encodeURIComponent(this.cfg.board.id)}/now.json${view}`,
        { credentials: 'same-origin', cache: 'no-store', headers })
      if (!response.ok) return
      const now = await response.json()
      Object.assign(this.cfg.board, now.board)
      Object.assign(this.cfg.me, now.me)
    } catch {
      // The server is away: the next connection finds out again, and we ask again then.
    }
  }

  presence () {
    const people = []
    for (const [clientId, state] of this.provider.awareness.getStates()) {
      if (state.user) people.push({ clientId, ...state.user, editing: state.editing || null, self: clientId === this.doc.clientID })
    }
    return people
  }

  editing (itemId) {
    this.provider.awareness.setLocalStateField('editing', itemId)
  }
}
