// The phone page: the board made for a small screen, one part at a time, big buttons.
import { config, h } from '../lib/dom.js'
import { LiveBoard } from '../lib/live.js'
import { shell, scheduler } from '../lib/shell.js'
import { t } from '../lib/i18n.js'
import { COLUMNS, addCard, addRule, isFull } from '../lib/model.js'
import { columns, plan, scales, statements } from '../lib/sections.js'

const cfg = config('config')
const page = shell(cfg)
const TABS = [...COLUMNS.map((c) => c.part), 'scales', 'plan']

function composer (ctx, part, kinds) {
  const text = h('textarea', { class: 'text compose', rows: 3, maxlength: 4000, 'aria-label': t('phone.write') })
  const kind = h('select', { 'aria-label': t('phone.kind') }, kinds.map((k) => h('option', { value: k, text: t('kind.' + k) })))
  const form = h('form', { class: 'compose-form' },
    h('label', { class: 'field' }, h('span', { text: t('phone.write') }), text),
    kinds.length > 1 ? h('label', { class: 'field' }, h('span', { text: t('phone.kind') }), kind) : null,
    h('button', { type: 'submit', class: 'primary big' }, t('phone.add')))
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const words = text.value.trim()
    if (!words) return
    if (isFull(ctx.doc, part)) return page.message('live.full')
    addCard(ctx.doc, ctx.me, part, kinds.length > 1 ? kind.value : kinds[0], words)
    text.value = ''
    page.notice(t('phone.added'))
    setTimeout(() => page.notice(''), 2500)
  })
  return form
}

function proposeRule (ctx) {
  const rule = h('textarea', { class: 'text compose', rows: 3, maxlength: 4000, 'aria-label': t('plan.rule') })
  const who = h('input', { maxlength: 200, 'aria-label': t('plan.who') })
  const form = h('form', { class: 'compose-form' },
    h('label', { class: 'field' }, h('span', { text: t('phone.propose_rule') }), rule),
    h('label', { class: 'field' }, h('span', { text: t('plan.who') }), who),
    h('button', { type: 'submit', class: 'primary big' }, t('phone.propose')))
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (!rule.value.trim()) return
    if (isFull(ctx.doc, 'plan')) return page.message('live.full')
    addRule(ctx.doc, ctx.me, { rule: rule.value.trim(), who: who.value.trim() })
    rule.value = who.value = ''
  })
  return form
}

function draw (ctx) {
  const tabs = h('nav', { class: 'tabs', role: 'tablist' })
  const panels = h('div', { class: 'panels' })
  const columnNodes = [...columns(ctx).children]
  const sections = {}
  const locked = () => ctx.doc.getMap('meta').get('locked') === true
  COLUMNS.forEach((column, i) => {
    const panel = h('div', { class: 'panel', role: 'tabpanel', id: 'panel-' + column.part }, columnNodes[i])
    if (!ctx.frozen()) panel.append(h('h3', { text: t('phone.add_title') }), composer(ctx, column.part, column.kinds))
    sections[column.part] = panel
  })
  sections.scales = h('div', { class: 'panel', role: 'tabpanel', id: 'panel-scales' }, scales(ctx))
  const planPanel = h('div', { class: 'panel', role: 'tabpanel', id: 'panel-plan' }, plan(ctx), statements(ctx))
  if (!ctx.frozen()) planPanel.append(proposeRule(ctx))
  sections.plan = planPanel
  const show = (name) => {
    for (const [key, panel] of Object.entries(sections)) panel.hidden = key !== name
    for (const button of tabs.children) button.setAttribute('aria-selected', String(button.dataset.tab === name))
  }
  for (const name of TABS) {
    tabs.append(h('button', {
      type: 'button', role: 'tab', dataset: { tab: name }, 'aria-controls': 'panel-' + name,
      on: { click: () => show(name) }
    }, t('phone.tab.' + name)))
    panels.append(sections[name])
  }
  page.main.replaceChildren(tabs, panels)
  show('worries')
  page.notice(ctx.doc.getMap('meta').get('status') === 'closed' ? t('live.ended_notice') : locked() ? t('live.locked_notice') : '')
}

new LiveBoard(cfg, { // eslint-disable-line no-new
  onStatus: page.setStatus,
  onPresence: () => {},
  onClosed: page.message,
  onDoc: (doc, provider) => {
    let synced = false
    const ctx = {
      cfg, doc, me: cfg.me, schedule: scheduler(), focusLater: null, tell: page.message,
      live: { editing: (id) => provider.awareness.setLocalStateField('editing', id) },
      frozen: () => doc.getMap('meta').get('status') === 'closed' || doc.getMap('meta').get('locked') === true
    }
    provider.on('sync', (isSynced) => { if (isSynced && !synced) { synced = true; draw(ctx) } })
    doc.getMap('meta').observe((event) => {
      if (synced && (event.keysChanged.has('status') || event.keysChanged.has('locked'))) draw(ctx)
    })
  }
})
