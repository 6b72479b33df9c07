// What every view shows around the board: title, connection, who is here, messages.
import { h, replaceChildren } from './dom.js'
import { t } from './i18n.js'

export function shell (cfg) {
  const status = h('span', { class: 'status connecting', role: 'status', text: t('live.connecting') })
  const presence = h('ul', { class: 'presence', 'aria-label': t('live.presence') })
  const controls = h('div', { class: 'controls' })
  // What just happened to the connection (goes away by itself unless it is final), and
  // what holds for the whole board (the meeting is closed or locked): kept apart, so
  // redrawing the board never wipes a message before anyone could read it.
  const banner = h('div', { class: 'banner message', role: 'alert', hidden: true })
  const standing = h('div', { class: 'banner notice', role: 'status', hidden: true })
  const main = h('main', { class: 'board', id: 'main' })
  const header = h('header', { class: 'bar' },
    h('div', { class: 'title' },
      h('h1', { text: cfg.board.title }),
      status),
    presence,
    controls)
  replaceChildren(document.getElementById('app'), header, banner, standing, main)

  let final = false
  let hideMessage = 0
  const stop = () => {
    final = true
    clearTimeout(hideMessage)
  }
  return {
    main,
    controls,
    header,
    status,
    get final () { return final },
    setStatus (state, synced) {
      if (final) return
      const key = state === 'connected' ? (synced ? 'live.connected' : 'live.syncing')
        : state === 'connecting' ? 'live.connecting' : 'live.offline'
      status.className = `status ${state === 'connected' && synced ? 'connected' : state}`
      status.textContent = t(key)
    },
    setPresence (people) {
      replaceChildren(presence, people.map((person) => h('li', {
        class: 'person' + (person.self ? ' self' : ''),
        title: t('role.' + person.role)
      }, h('span', { class: 'dot', dataset: { color: person.color } }), person.name)))
      for (const dot of presence.querySelectorAll('.dot')) dot.style.background = dot.dataset.color
    },
    message (key, reason, isFinal) {
      banner.hidden = false
      banner.textContent = t(key)
      clearTimeout(hideMessage)
      if (isFinal) {
        // The server ended the connection for good (the meeting ended, the link stopped
        // working): not a connection problem that typing could wait out.
        stop()
        status.className = 'status stopped'
        status.textContent = t('live.stopped')
      } else {
        hideMessage = setTimeout(() => { banner.hidden = true }, 8000)
      }
    },
    notice (text) {
      standing.hidden = !text
      standing.textContent = text || ''
    },
    // The end of this page's part in the meeting: one message in place of the board, no
    // connection state, no form (the phone page, when the meeting ends or the person was
    // removed).
    finish (...lines) {
      stop()
      status.hidden = true
      banner.hidden = true
      standing.hidden = true
      main.replaceChildren(h('section', { class: 'finished', role: 'alert' },
        lines.filter(Boolean).map((line, i) => h(i ? 'p' : 'h2', { text: line }))))
    }
  }
}

// Re-render a part of the page once per frame, however many changes arrive.
export function scheduler () {
  const pending = new Map()
  let frame = 0
  return (key, render) => {
    pending.set(key, render)
    if (frame) return
    frame = requestAnimationFrame(() => {
      frame = 0
      const renders = [...pending.values()]
      pending.clear()
      for (const run of renders) run()
    })
  }
}

// Keep one element per item id, in order, reusing elements so focus and caret survive.
export function reconcile (container, items, key, make, update) {
  const existing = new Map()
  for (const child of [...container.children]) existing.set(child.dataset.key, child)
  const wanted = items.map((item) => {
    const id = key(item)
    let node = existing.get(id)
    if (node) existing.delete(id)
    else { node = make(item); node.dataset.key = id }
    if (update) update(node, item)
    return node
  })
  for (const [, node] of existing) {
    if (node.cleanup) node.cleanup()
    node.remove()
  }
  // Only what is out of place moves: an element taken out of the page, even for an
  // instant, loses the focus, and with it a phone's keyboard and a word being composed.
  // Someone adding a card must not do that to the person typing in the card above it.
  const focused = document.activeElement
  // (a checkbox has a selectionStart too, always null, and throws if one is set)
  const caret = typeof focused?.selectionStart === 'number' ? [focused.selectionStart, focused.selectionEnd] : null
  wanted.forEach((node, i) => {
    const here = container.children[i]
    if (here !== node) container.insertBefore(node, here || null)
  })
  if (focused && container.contains(focused) && document.activeElement !== focused) {
    focused.focus()
    if (caret) focused.setSelectionRange(...caret)
  }
}
