// The projector view: read-only, large type, the part of the board the facilitator chose
// (meta.wall), always fitted to the screen; while the meeting is open the QR code and the
// short code in a strip of their own beside it, never over a card.
import { config, h } from '../lib/dom.js'
import { LiveBoard } from '../lib/live.js'
import { shell, scheduler } from '../lib/shell.js'
import { t } from '../lib/i18n.js'
import { exposeCensus } from '../lib/census.js'
import { columns, network, plan, scales, statements } from '../lib/sections.js'
import { api, formatCode } from '../lib/controls.js'
import { fitter, wallPart } from '../lib/wall.js'

const cfg = config('config')
const viewer = { ...cfg.me, role: 'viewer' }
const page = shell(cfg)
// The way back for the facilitator who opened the wall in this tab; small, for the room.
if (cfg.csrf) {
  document.querySelector('#app .bar').append(
    h('a', { class: 'wall-back', href: `/boards/${encodeURIComponent(cfg.board.id)}` }, t('nav.board')))
}

// Each part of the board in its own region; `boxes` are the parts of it that shrink to fit
// on their own (one column of forty cards does not make the other two small). The three
// statement lists fit as one, in one size of type.
const REGIONS = [
  { part: 'columns', render: columns, boxes: '.column' },
  { part: 'statements', render: statements },
  { part: 'scales', render: scales },
  { part: 'plan', render: plan },
  { part: 'network', render: network }
]

function joinCorner (doc) {
  const corner = h('aside', { class: 'join-corner', 'aria-label': t('live.join_at'), hidden: true })
  let asked = 0
  const show = async () => {
    const ask = ++asked
    if (doc.getMap('meta').get('status') === 'closed' || !cfg.csrf) { corner.hidden = true; return }
    try {
      const meeting = await api(cfg, '')
      if (ask !== asked) return // a newer code was asked for meanwhile
      corner.replaceChildren(
        h('img', { class: 'qr', src: `/boards/${cfg.board.id}/qr.svg?c=${meeting.code}`, alt: t('live.qr_alt'), width: 180, height: 180 }),
        h('p', { class: 'join-text', text: t('projector.join') }),
        h('p', { class: 'code big', text: formatCode(meeting.code) }),
        h('p', { class: 'join-url', text: location.host + '/j' }))
      corner.hidden = !meeting.code
    } catch { corner.hidden = true }
  }
  // A new code (meta.code_issued, written by the server), the meeting ending: ask again.
  doc.getMap('meta').observe((event) => {
    if (event.keysChanged.has('code_issued') || event.keysChanged.has('status')) show()
  })
  show()
  return corner
}

function wall (ctx) {
  const area = h('div', { class: 'wall' })
  for (const region of REGIONS) {
    const node = h('div', { class: 'wall-region region-' + region.part, dataset: { part: region.part } }, region.render(ctx))
    const boxes = region.boxes ? node.querySelectorAll(region.boxes) : [node]
    for (const box of boxes) box.classList.add('fit')
    area.append(node)
  }
  const follow = () => {
    const part = wallPart(ctx.doc)
    area.dataset.part = part
    for (const node of area.children) {
      node.hidden = part !== 'all' && node.dataset.part !== part
      // Alone on the wall, a part may grow to be read from the back of the room.
      if (node.classList.contains('fit')) node.classList.toggle('grow', part !== 'all')
    }
  }
  ctx.doc.getMap('meta').observe((event) => { if (event.keysChanged.has('wall')) follow() })
  follow()
  return area
}

new LiveBoard(cfg, { // eslint-disable-line no-new
  onStatus: page.setStatus,
  onPresence: () => {},
  onClosed: page.message,
  onDoc: (doc, provider) => {
    exposeCensus(doc)
    let synced = false
    const ctx = { cfg, doc, me: viewer, schedule: scheduler(), focusLater: null, live: { editing () {} }, frozen: () => true }
    provider.on('sync', (isSynced) => {
      if (!isSynced || synced) return
      synced = true
      page.main.replaceChildren(wall(ctx), joinCorner(doc))
      fitter(page.main, doc)()
    })
  }
})
