// The projector view: read-only, large type, the columns, the danger statements and the
// safety scale, and while the meeting is open the QR code and short code in a corner.
import { config, h } from '../lib/dom.js'
import { LiveBoard } from '../lib/live.js'
import { shell, scheduler } from '../lib/shell.js'
import { t } from '../lib/i18n.js'
import { exposeCensus } from '../lib/census.js'
import { columns, scales, statements } from '../lib/sections.js'
import { api, formatCode } from '../lib/controls.js'

const cfg = config('config')
const viewer = { ...cfg.me, role: 'viewer' }
const page = shell(cfg)

function joinCorner (doc) {
  const corner = h('aside', { class: 'join-corner', 'aria-label': t('live.join_at') })
  const show = async () => {
    if (doc.getMap('meta').get('status') === 'closed' || !cfg.csrf) { corner.hidden = true; return }
    try {
      const meeting = await api(cfg, '')
      corner.replaceChildren(
        h('img', { class: 'qr', src: `/boards/${cfg.board.id}/qr.svg?c=${meeting.code}`, alt: t('live.qr_alt'), width: 180, height: 180 }),
        h('p', { class: 'join-text', text: t('projector.join') }),
        h('p', { class: 'code big', text: formatCode(meeting.code) }),
        h('p', { class: 'join-url', text: location.host + '/j' }))
      corner.hidden = false
    } catch { corner.hidden = true }
  }
  doc.getMap('meta').observe(show)
  show()
  return corner
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
      const danger = statements(ctx).querySelector('.danger_statements')
      page.main.replaceChildren(columns(ctx), h('div', { class: 'below' }, danger, scales(ctx)), joinCorner(doc))
    })
  }
})
