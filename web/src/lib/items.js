// One card, statement, rule or network member on screen: its text bound live, who wrote it,
// and what this person may do with it.
import * as Y from 'yjs'
import { h } from './dom.js'
import { t } from './i18n.js'
import { bindText } from './text-binding.js'
import { COLUMNS, CIRCLES, authorName, find, isFull, mayChange, moveCard, remove } from './model.js'

export function textEditor (ctx, item, field, label) {
  const editable = !ctx.frozen() && mayChange(ctx.me, item)
  const area = h('textarea', {
    class: 'text', rows: 2, 'aria-label': label, readOnly: !editable, maxlength: 4000
  })
  const binding = bindText(area, item.get(field), {
    onFocus: () => ctx.live.editing(item.get('id')),
    onBlur: () => ctx.live.editing(null)
  })
  area.binding = binding
  return area
}

export function byline (ctx, item) {
  const carried = item.get('carried_over') ? ' · ' + t('record.carried_over') : ''
  return h('p', { class: 'by', text: t('record.by', { name: authorName(ctx.doc, item) }) + carried })
}

function removeButton (ctx, part, item) {
  if (ctx.frozen() || !mayChange(ctx.me, item)) return null
  return h('button', {
    class: 'icon remove', type: 'button', title: t('live.remove'), 'aria-label': t('live.remove'),
    on: { click: () => { if (confirm(t('live.remove_confirm'))) remove(ctx.doc, part, item.get('id')) } }
  }, '×')
}

function placeSelect (ctx, part, item) {
  if (ctx.frozen() || !mayChange(ctx.me, item)) return null
  const select = h('select', { class: 'place', 'aria-label': t('live.move') })
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
      if (area.value !== moved.item.get('text').toString() && !area.readOnly) {
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

function field (ctx, item, key, label, kind = 'text') {
  const editable = !ctx.frozen() && mayChange(ctx.me, item)
  const input = h('input', { type: kind, value: item.get(key) ?? '', readOnly: !editable, maxlength: 4000 })
  input.addEventListener('change', () => item.set(key, input.value))
  input.refresh = () => { if (document.activeElement !== input) input.value = item.get(key) ?? '' }
  return h('label', { class: 'field' }, h('span', { text: label }), input)
}

export function ruleElement (ctx, item) {
  const area = textEditor(ctx, item, 'rule', t('plan.rule'))
  const status = h('span', { class: 'badge ' + item.get('status'), text: t('plan.' + item.get('status')) })
  const agree = ctx.me.role === 'facilitator' && !ctx.frozen()
    ? h('button', {
      type: 'button', class: 'small',
      on: { click: () => item.set('status', item.get('status') === 'agreed' ? 'proposed' : 'agreed') }
    }, t(item.get('status') === 'agreed' ? 'live.unagree' : 'live.agree'))
    : null
  const fields = [
    field(ctx, item, 'who', t('plan.who')), field(ctx, item, 'when', t('plan.when')),
    field(ctx, item, 'check', t('plan.check')), field(ctx, item, 'if_broken', t('plan.if_broken')),
    field(ctx, item, 'review_date', t('plan.review_date'), 'date')
  ]
  const node = h('li', { class: 'card rule' }, h('div', { class: 'rule-head' }, status, agree), area,
    h('div', { class: 'fields' }, fields),
    h('div', { class: 'card-foot' }, byline(ctx, item), removeButton(ctx, 'plan', item)))
  node.refresh = () => { for (const input of node.querySelectorAll('input')) input.refresh() }
  node.cleanup = () => area.binding.destroy()
  return node
}

export function memberElement (ctx, item) {
  const editable = !ctx.frozen() && mayChange(ctx.me, item)
  const circle = h('select', { disabled: !editable, 'aria-label': t('network.circle') },
    CIRCLES.map((c) => h('option', { value: c, text: t('circle.' + c) })))
  circle.value = item.get('circle')
  circle.addEventListener('change', () => item.set('circle', circle.value))
  const safety = h('input', { type: 'checkbox', checked: !!item.get('safety_person'), disabled: !editable })
  safety.addEventListener('change', () => item.set('safety_person', safety.checked))
  const node = h('li', { class: 'card member circle-' + item.get('circle') },
    field(ctx, item, 'name', t('record.name')), field(ctx, item, 'relation', t('record.relation')),
    h('div', { class: 'fields' }, h('label', { class: 'field' }, h('span', { text: t('network.circle') }), circle),
      h('label', { class: 'check' }, safety, t('network.safety_person'))),
    h('div', { class: 'card-foot' }, byline(ctx, item), removeButton(ctx, 'network', item)))
  node.refresh = () => {
    for (const input of node.querySelectorAll('input[type=text]')) input.refresh()
    circle.value = item.get('circle')
    safety.checked = !!item.get('safety_person')
    node.className = 'card member circle-' + item.get('circle')
  }
  return node
}
