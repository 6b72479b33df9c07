// The facilitator's board: the whole mapping framework, live, on a laptop or projected.
import { config } from '../lib/dom.js'
import { LiveBoard } from '../lib/live.js'
import { shell, scheduler } from '../lib/shell.js'
import { columns, network, plan, scales, statements } from '../lib/sections.js'
import { controls } from '../lib/controls.js'
import { t } from '../lib/i18n.js'
import { exposeCensus } from '../lib/census.js'

const cfg = config('config')
const page = shell(cfg)

function frozenNotice (doc) {
  const meta = doc.getMap('meta')
  if (meta.get('status') === 'closed') return t('live.ended_notice')
  if (meta.get('locked') === true && cfg.me.role !== 'facilitator') return t('live.locked_notice')
  return ''
}

const live = new LiveBoard(cfg, {
  onStatus: page.setStatus,
  onPresence: (people) => {
    page.setPresence(people)
    for (const node of document.querySelectorAll('.card.editing')) node.classList.remove('editing')
    for (const person of people) {
      if (person.self || !person.editing) continue
      const node = document.querySelector(`[data-key="${CSS.escape(person.editing)}"]`)
      if (node) {
        node.classList.add('editing')
        node.dataset.editor = person.name
        node.style.setProperty('--editor', person.color)
      }
    }
  },
  onClosed: page.message,
  onDoc: (doc, provider) => {
    exposeCensus(doc)
    let synced = false
    const ctx = {
      cfg, doc, me: cfg.me, schedule: scheduler(), live: null, focusLater: null, tell: page.message,
      frozen: () => doc.getMap('meta').get('status') === 'closed' || cfg.me.role === 'viewer'
    }
    const draw = () => {
      ctx.live = live
      page.main.replaceChildren(columns(ctx), statements(ctx), scales(ctx), plan(ctx), network(ctx))
      page.controls.replaceChildren()
      controls(ctx, page.controls)
      page.notice(frozenNotice(doc))
    }
    // Draw once the board has arrived, and again when the meeting is closed or locked.
    const whenSynced = (isSynced) => { if (isSynced && !synced) { synced = true; draw() } }
    provider.on('sync', whenSynced)
    doc.getMap('meta').observe((event) => {
      if (!synced) return
      if (event.keysChanged.has('status')) draw()
      else page.notice(frozenNotice(doc))
    })
  }
})
