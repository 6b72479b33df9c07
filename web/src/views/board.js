// The facilitator's board: the whole mapping framework, live, on a laptop or projected.
import { config, h } from '../lib/dom.js'
import { LiveBoard } from '../lib/live.js'
import { shell, scheduler } from '../lib/shell.js'
import { columns, network, plan, scales, statements } from '../lib/sections.js'
import { controls } from '../lib/controls.js'
import { t } from '../lib/i18n.js'
import { oneStopPerCard, skipLinks } from '../lib/keyboard.js'
import { wallChooser } from '../lib/wall.js'
import { exposeCensus } from '../lib/census.js'

const cfg = config('config')
const page = shell(cfg)
const PARTS = [
  ['part-columns', 'skip.columns', columns], ['part-statements', 'skip.statements', statements],
  ['part-scales', 'skip.scales', scales], ['part-plan', 'skip.plan', plan], ['part-network', 'skip.network', network]
]

// Where a facilitator can go from the board: their cases, this case. Skip links first.
function around () {
  const app = document.getElementById('app')
  const targets = [...PARTS.map(([id, key]) => [id, key])]
  if (cfg.csrf && cfg.me.role === 'facilitator') targets.push(['meeting', 'skip.meeting'])
  app.prepend(skipLinks(targets))
  if (!cfg.csrf) return
  const nav = h('nav', { class: 'board-nav', 'aria-label': t('nav.where') },
    h('a', { href: '/' }, t('nav.dashboard')),
    cfg.board.case ? h('a', { href: `/cases/${encodeURIComponent(cfg.board.case)}` }, t('nav.case')) : null)
  app.querySelector('.bar').prepend(nav)
}
around()
const renameControls = oneStopPerCard(page.main)

// One person is one chip, however many tabs or screens they have the board open on.
function onePerPerson (people) {
  const byId = new Map()
  for (const person of people) {
    const seen = byId.get(person.id)
    if (!seen) byId.set(person.id, { ...person })
    else {
      seen.self = seen.self || person.self
      seen.editing = seen.editing || person.editing
    }
  }
  return [...byId.values()]
}

function frozenNotice (doc) {
  const meta = doc.getMap('meta')
  if (meta.get('status') === 'closed') return t('live.ended_notice')
  if (meta.get('locked') === true && cfg.me.role !== 'facilitator') return t('live.locked_notice')
  return ''
}

const live = new LiveBoard(cfg, {
  onStatus: page.setStatus,
  onPresence: (everyTab) => {
    const people = onePerPerson(everyTab)
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
    doc.on('update', renameControls)
    let synced = false
    const ctx = {
      cfg, doc, me: cfg.me, schedule: scheduler(), live: null, focusLater: null, tell: page.message,
      frozen: () => doc.getMap('meta').get('status') === 'closed' || cfg.me.role === 'viewer'
    }
    const draw = () => {
      ctx.live = live
      page.main.replaceChildren(...PARTS.map(([id, , part]) => { const node = part(ctx); node.id = id; return node }))
      page.controls.replaceChildren()
      const tools = h('div', { class: 'board-tools' }, wallChooser(ctx))
      page.controls.append(tools)
      controls(ctx, tools)
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
