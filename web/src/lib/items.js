// One card, statement, rule or network member on screen: its text bound live, who wrote it,
// and what this person may do with it.
import * as Y from 'yjs'
import { h } from './dom.js'
import { t } from './i18n.js'
import { bindText } from './text-binding.js'
import { COLUMNS, CIRCLES, authorName, find, isFull, mayChange, moveCard, remove } from './model.js'

// A text on screen. Whoever may change the item gets a textarea bound to its Y.Text (made
// read-only while the board is locked or closed: see `setFrozen`); everyone else reads it as
// text, whole, wrapped, never cut to the height of a box.
export function textEditor (ctx, item, field, label) {
  if (!mayEdit(ctx, item)) return textView(item.get(field), label)
  const area = h('textarea', {
    class: 'text own-text', rows: 2, 'aria-label': label, readOnly: ctx.frozen(), maxlength: 4000
  })
  const binding = bindText(area, item.get(field), {
    onFocus: () => ctx.live.editing(item.get('id')),
    onBlur: () => ctx.live.editing(null)
  })
  area.binding = binding
  return area
}

// Whether this person's role lets them change the item at all (the lock and the end of the
// meeting come and go on top of that; a viewer never changes anything).
function mayEdit (ctx, item) {
  return ctx.me.role !== 'viewer' && !ctx.readOnly?.() && mayChange(ctx.me, item)
}

// A Y.Text shown as text: one observer, removed with `binding.destroy()` when the item goes.
export function textView (ytext, label) {
  const view = h('p', { class: 'text read', 'aria-label': label, text: ytext.toString() })
  const show = () => { view.textContent = ytext.toString() }
  ytext.observe(show)
  view.binding = { get text () { return ytext }, rebind () {}, destroy () { ytext.unobserve(show) } }
  return view
}

// The lock or the end of the meeting: own texts become read-only, and what changes the
// board (remove, move, add, the forms) is hidden, in place, without drawing anything again.
export function setFrozen (root, frozen) {
  root.classList.toggle('frozen', frozen)
  for (const area of root.querySelectorAll('textarea.own-text')) {
    area.readOnly = frozen
    if (frozen && document.activeElement === area) area.blur()
  }
  for (const input of root.querySelectorAll('.own-field')) input.readOnly = frozen
  for (const control of root.querySelectorAll('.own-control')) control.disabled = frozen
}

export function byline (ctx, item) {
  const carried = item.get('carried_over') ? ' · ' + t('record.carried_over') : ''
  return h('p', { class: 'by', text: t('record.by', { name: authorName(ctx.doc, item) }) + carried })
}

function removeButton (ctx, part, item) {
  if (!mayEdit(ctx, item)) return null
  return h('button', {
    class: 'icon remove own-control', type: 'button', disabled: ctx.frozen(), title: t('live.remove'), 'aria-label': t('live.remove'),
    on: { click: () => { if (!ctx.frozen() && confirm(t('live.remove_confirm'))) remove(ctx.doc, part, item.get('id')) } }
  }, '×')
}

function placeSelect (ctx, part, item) {
  if (!mayEdit(ctx, item)) return null
  const select = h('select', { class: 'place own-control', 'aria-label': t('live.move'), disabled: ctx.frozen() })
  for (const column of COLUMNS) {
    const group = h('optgroup', { label: t('column.' + column.part) })
    for (const kind of column.kinds) {
      group.append(h('option', { value: `${column.part}:${kind}`, text: t('kind.' + kind) }))
    }
    select.append(group)
  }
  select.value = `${part}:${item.get('kind')}`
  select.addEventListener('change', () => {
    const [toPart, kind] = select.value.split(':')
    if (ctx.frozen()) { select.value = `${part}:${item.get('kind')}`; return }
    if (toPart !== part && isFull(ctx.doc, toPart)) {
      select.value = `${part}:${item.get('kind')}`
      ctx.tell('live.full')
      return
    }
    moveCard(ctx.doc, part, item.get('id'), toPart, kind)
  })
  return select
}

// When a card this person is typing in moves to another column, their binding carries on
// in the moved card, so what they typed that the mover had not seen is not lost.
function rescueOnRemove (ctx, node, area) {
  node.cleanup = () => {
    const moved = find(ctx.doc, node.dataset.key)
    if (moved && moved.item.get('text') instanceof Y.Text) {
      if (area.tagName === 'TEXTAREA' && area.value !== moved.item.get('text').toString() && !area.readOnly) {
        area.binding.rebind(moved.item.get('text'))
      }
      if (document.activeElement === area) {
        // Keep typing where the card went: now, if it is already drawn, or when it is.
        const there = [...document.querySelectorAll(`[data-key="${CSS.escape(node.dataset.key)}"] textarea`)]
          .find((other) => other !== area)
        if (there) there.focus()
        else ctx.focusLater = node.dataset.key
      }
    }
    area.binding.destroy()
  }
}

export function cardElement (ctx, part, item) {
  const area = textEditor(ctx, item, 'text', t('kind.' + item.get('kind')))
  const node = h('li', { class: 'card' }, area,
    h('div', { class: 'card-foot' }, byline(ctx, item), placeSelect(ctx, part, item), removeButton(ctx, part, item)))
  rescueOnRemove(ctx, node, area)
  if (ctx.focusLater === item.get('id')) {
    ctx.focusLater = null
    // Right after this render puts the card in the page, before the next keystroke arrives:
    // a frame later would send a keystroke or two to nowhere.
    queueMicrotask(() => { area.focus(); area.setSelectionRange(area.value.length, area.value.length) })
  }
  return node
}

export function statementElement (ctx, part, item) {
  const area = textEditor(ctx, item, 'text', t('part.' + part))
  const node = h('li', { class: 'card statement' }, area,
    h('div', { class: 'card-foot' }, byline(ctx, item), removeButton(ctx, part, item)))
  node.cleanup = () => area.binding.destroy()
  return node
}

// One field of a rule or a network member: an input for whoever may change the item, the
// value as text for everyone else. `refresh` shows the value in the document now.
function field (ctx, item, key, label, kind = 'text') {
  if (!mayEdit(ctx, item)) {
    const value = h('span', { class: 'value' })
    const node = h('p', { class: 'field read' }, h('span', { class: 'label', text: label }), value)
    node.refresh = () => {
      const raw = item.get(key) ?? ''
      value.textContent = kind === 'date' ? formatDate(raw) : raw
      node.hidden = !raw
    }
    node.refresh()
    return node
  }
  const input = h('input', { type: kind, class: 'own-field', value: item.get(key) ?? '', readOnly: ctx.frozen(), maxlength: 4000 })
  input.addEventListener('change', () => { if (!ctx.frozen()) item.set(key, input.value) })
  const node = h('label', { class: 'field' }, h('span', { text: label }), input)
  node.refresh = () => { if (document.activeElement !== input) input.value = item.get(key) ?? '' }
  return node
}

// A date (yyyy-mm-dd, as the document holds it) the way the page's language writes it.
export function formatDate (iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '')
  if (!match) return iso || ''
  const date = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]))
  return new Intl.DateTimeFormat(document.documentElement.lang || 'nl', { dateStyle: 'long', timeZone: 'UTC' }).format(date)
}

// A rule's status, and the facilitator's button to agree or take the agreement back, always
// as the document has it now: `refresh` runs on every change to the plan.
export function ruleElement (ctx, item) {
  const area = textEditor(ctx, item, 'rule', t('plan.rule'))
  const status = h('span', { class: 'badge' })
  const agree = ctx.me.role === 'facilitator' && !ctx.readOnly?.()
    ? h('button', {
      type: 'button', class: 'small own-control agree', disabled: ctx.frozen(),
      on: { click: () => { if (!ctx.frozen()) item.set('status', item.get('status') === 'agreed' ? 'proposed' : 'agreed') } }
    })
    : null
  const fields = [
    field(ctx, item, 'who', t('plan.who')), field(ctx, item, 'when', t('plan.when')),
    field(ctx, item, 'check', t('plan.check')), field(ctx, item, 'if_broken', t('plan.if_broken')),
    field(ctx, item, 'review_date', t('plan.review_date'), 'date')
  ]
  const node = h('li', { class: 'card rule' }, h('div', { class: 'rule-head' }, status, agree), area,
    h('div', { class: 'fields' }, fields),
    h('div', { class: 'card-foot' }, byline(ctx, item), removeButton(ctx, 'plan', item)))
  node.refresh = () => {
    const now = item.get('status')
    status.className = 'badge ' + now
    status.textContent = t('plan.' + now)
    node.dataset.status = now
    if (agree) agree.textContent = t(now === 'agreed' ? 'live.unagree' : 'live.agree')
    for (const one of fields) one.refresh()
  }
  node.refresh()
  node.cleanup = () => area.binding.destroy()
  return node
}

export function memberElement (ctx, item) {
  const editable = mayEdit(ctx, item)
  const circle = h('select', { class: editable ? 'own-control' : null, disabled: !editable || ctx.frozen(), 'aria-label': t('network.circle') },
    CIRCLES.map((c) => h('option', { value: c, text: t('circle.' + c) })))
  circle.value = item.get('circle')
  circle.addEventListener('change', () => item.set('circle', circle.value))
  const safety = h('input', { type: 'checkbox', class: editable ? 'own-control' : null, checked: !!item.get('safety_person'), disabled: !editable || ctx.frozen() })
  safety.addEventListener('change', () => item.set('safety_person', safety.checked))
  const texts = [field(ctx, item, 'name', t('record.name')), field(ctx, item, 'relation', t('record.relation'))]
  const node = h('li', { class: 'card member circle-' + item.get('circle') }, texts,
    h('div', { class: 'fields' }, h('label', { class: 'field' }, h('span', { text: t('network.circle') }), circle),
      h('label', { class: 'check' }, safety, t('network.safety_person'))),
    h('div', { class: 'card-foot' }, byline(ctx, item), removeButton(ctx, 'network', item)))
  node.refresh = () => {
    for (const one of texts) one.refresh()
    circle.value = item.get('circle')
    safety.checked = !!item.get('safety_person')
    node.className = 'card member circle-' + item.get('circle')
  }
  return node
}
