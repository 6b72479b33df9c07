// The phone page: a relative's way into the meeting on a small, perhaps old, screen.
//
// The first screen offers to add something; every text on the board reads in full; each
// action is answered next to the button that was pressed; what the page says about the
// connection is true ("waiting to send" until the server holds it, see delivery.js). The
// board is drawn once and then kept up to date part by part: the lock and the end of the
// meeting change what is offered in place, never by drawing everything again.
import { config, h } from '../lib/dom.js'
import { LiveBoard } from '../lib/live.js'
import { shell, scheduler } from '../lib/shell.js'
import { t } from '../lib/i18n.js'
import { COLUMNS, addCard, addRule, isFull } from '../lib/model.js'
import { columns, plan, scales, statements } from '../lib/sections.js'
import { setFrozen } from '../lib/items.js'
import { grow } from '../lib/text-binding.js'
import { deliveryOf } from '../lib/delivery.js'
import { exposeCensus } from '../lib/census.js'
import { feedbackLine } from '../lib/feedback.js'

const cfg = config('config')
const page = shell(cfg)
const TABS = [...COLUMNS.map((c) => c.part), 'scales', 'plan']

// What the header says: the connection, and whether this person's changes are all sent.
function connectionLine (status) {
  const delivery = h('span', { class: 'delivery', hidden: true })
  status.after(delivery)
  let connection = 'connecting'
  let synced = false
  let sending = 'sent'
  let wasLive = false
  const show = () => {
    if (page.final) return
    const live = connection === 'connected' && synced
    wasLive = wasLive || live
    // Once the page has been live, trying again is still having no connection: say so.
    const state = live ? 'connected' : wasLive ? 'disconnected' : connection
    status.className = 'status ' + state
    status.textContent = t(live ? 'live.connected' : wasLive ? 'phone.offline'
      : connection === 'connected' ? 'live.syncing' : 'live.connecting')
    delivery.hidden = sending === 'sent'
    delivery.className = 'delivery ' + sending
    delivery.textContent = sending === 'sent' ? '' : t('phone.pending.' + sending)
  }
  return {
    connection (state, isSynced) { connection = state; synced = isSynced; show() },
    delivery (state) { sending = state; show() }
  }
}

// The form to add a card: first on the page, whatever the board holds.
function composer (ctx) {
  const text = h('textarea', { id: 'compose-text', class: 'compose', rows: 3, maxlength: 4000 })
  const where = h('select', { id: 'compose-where' }, COLUMNS.map((column) =>
    h('optgroup', { label: t('column.' + column.part) },
      column.kinds.map((kind) => h('option', { value: `${column.part}:${kind}`, text: t('kind.' + kind) })))))
  const said = feedbackLine('compose-feedback')
  const form = h('form', { class: 'compose-form', id: 'compose' },
    h('label', { class: 'field', for: 'compose-text' }, t('phone.write')), text,
    h('label', { class: 'field', for: 'compose-where' }, t('phone.where')), where,
    h('button', { type: 'submit', class: 'primary big' }, t('phone.add')),
    said.node)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const words = text.value.trim()
    const [part, kind] = where.value.split(':')
    if (ctx.frozen()) return said.show('live.locked_notice', 'problem')
    if (!words) { said.show('phone.empty', 'problem'); text.focus(); return }
    if (isFull(ctx.doc, part)) return said.show('live.full', 'problem')
    addCard(ctx.doc, ctx.me, part, kind, words)
    text.value = ''
    said.track(ctx.delivery, 'phone.added')
  })
  return { form, where, said }
}

function proposer (ctx) {
  const rule = h('textarea', { id: 'propose-rule', class: 'compose', rows: 3, maxlength: 4000 })
  const who = h('input', { id: 'propose-who', maxlength: 200 })
  const said = feedbackLine('propose-feedback')
  const form = h('form', { class: 'compose-form propose', id: 'propose' },
    h('h2', { text: t('phone.propose_rule') }),
    h('label', { class: 'field', for: 'propose-rule' }, t('plan.rule')), rule,
    h('label', { class: 'field', for: 'propose-who' }, t('plan.who')), who,
    h('button', { type: 'submit', class: 'primary big' }, t('phone.propose')),
    said.node)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (ctx.frozen()) return said.show('live.locked_notice', 'problem')
    if (!rule.value.trim()) { said.show('phone.empty_rule', 'problem'); rule.focus(); return }
    if (isFull(ctx.doc, 'plan')) return said.show('live.full', 'problem')
    addRule(ctx.doc, ctx.me, { rule: rule.value.trim(), who: who.value.trim() })
    rule.value = who.value = ''
    said.track(ctx.delivery, 'phone.proposed')
  })
  return form
}

// A button always in reach once the form has scrolled away: it brings the form back.
function addButton (form) {
  const button = h('button', { type: 'button', class: 'primary jump-to-add', hidden: true }, '+ ', t('phone.add_title'))
  button.addEventListener('click', () => {
    form.scrollIntoView({ block: 'start' })
    form.querySelector('textarea').focus()
  })
  new IntersectionObserver(([entry]) => { button.hidden = entry.isIntersecting }).observe(form)
  return button
}

function draw (ctx) {
  const compose = composer(ctx)
  const locked = h('p', { class: 'locked-note', role: 'status', hidden: true })
  const tabs = h('nav', { class: 'tabs', role: 'tablist', 'aria-label': t('phone.parts') })
  const panels = h('div', { class: 'panels' })
  const columnNodes = [...columns(ctx).children]
  const sections = {}
  COLUMNS.forEach((column, i) => {
    sections[column.part] = h('div', { class: 'panel', role: 'tabpanel', id: 'panel-' + column.part }, columnNodes[i])
  })
  // One answer per scale, kept while the scale is drawn again with every rating.
  const answers = new Map()
  const answer = (scaleId) => {
    if (!answers.has(scaleId)) answers.set(scaleId, feedbackLine('rate-feedback-' + scaleId))
    return answers.get(scaleId)
  }
  ctx.ratingFeedback = (scaleId) => answer(scaleId).node
  ctx.rated = (scaleId, value) => answer(scaleId).track(ctx.delivery, 'phone.rated', { value })
  sections.scales = h('div', { class: 'panel', role: 'tabpanel', id: 'panel-scales' }, scales(ctx))
  sections.plan = h('div', { class: 'panel', role: 'tabpanel', id: 'panel-plan' }, plan(ctx), statements(ctx), proposer(ctx))
  const show = (name) => {
    for (const [key, panel] of Object.entries(sections)) panel.hidden = key !== name
    for (const button of tabs.children) button.setAttribute('aria-selected', String(button.dataset.tab === name))
    // A textarea sized while its panel was hidden measured nothing: size it now.
    for (const area of sections[name].querySelectorAll('textarea.text')) grow(area)
    const column = COLUMNS.find((c) => c.part === name)
    if (column && !compose.where.value.startsWith(name + ':')) compose.where.value = `${name}:${column.kinds[0]}`
  }
  for (const name of TABS) {
    tabs.append(h('button', {
      type: 'button', role: 'tab', dataset: { tab: name }, 'aria-controls': 'panel-' + name,
      on: { click: () => { show(name); tabs.scrollIntoView({ block: 'start' }) } }
    }, t('phone.tab.' + name)))
    panels.append(sections[name])
  }
  const intro = h('section', { class: 'add-first' }, h('h2', { text: t('phone.add_title') }), compose.form, locked)
  page.main.replaceChildren(intro, tabs, panels, addButton(compose.form))
  show('worries')
  const frozen = () => {
    const isLocked = ctx.frozen()
    setFrozen(page.main, isLocked)
    locked.hidden = !isLocked
    locked.textContent = isLocked ? t('live.locked_notice') : ''
  }
  frozen()
  return frozen
}

function finished (ctx, key) {
  const unsent = ctx.delivery && ctx.delivery.state !== 'sent' ? t('phone.unsent_at_end') : ''
  ctx.provider.disconnect()
  page.finish(t(key), unsent)
}

// Which message a final close gets: the server says in its reason when a person was removed.
function closedKey (key, reason) {
  return key === 'live.closed.token' && /removed/i.test(reason || '') ? 'phone.removed' : key
}

let current = null
const header = connectionLine(page.status)

new LiveBoard(cfg, { // eslint-disable-line no-new
  onStatus: (state, synced) => header.connection(state, synced),
  onPresence: () => {},
  onClosed: (key, reason, isFinal) => {
    if (isFinal && current) finished(current, closedKey(key, reason))
    else if (isFinal) page.finish(t(closedKey(key, reason)))
    else page.message(key, reason, isFinal)
  },
  onDoc: (doc, provider) => {
    let synced = false
    const meta = doc.getMap('meta')
    const ctx = {
      cfg, doc, provider, me: cfg.me, schedule: scheduler(), focusLater: null, tell: page.message,
      live: { editing: (id) => provider.awareness.setLocalStateField('editing', id) },
      readOnly: () => false,
      frozen: () => meta.get('status') === 'closed' || meta.get('locked') === true
    }
    current = ctx
    exposeCensus(doc)
    ctx.delivery = deliveryOf(doc, provider)
    ctx.delivery.listen(header.delivery)
    let refreeze = null
    provider.on('sync', (isSynced) => {
      if (!isSynced || synced) return
      synced = true
      if (meta.get('status') === 'closed') return finished(ctx, 'live.closed.ended')
      refreeze = draw(ctx)
    })
    meta.observe((event) => {
      if (!synced || page.final) return
      if (meta.get('status') === 'closed') finished(ctx, 'live.closed.ended')
      else if (event.keysChanged.has('locked') && refreeze) refreeze()
    })
  }
})
