// The parts of the board: the three columns, the statements, the scales, the plan and
// the network. Each renders from the document and re-renders when its part changes.
import { h } from './dom.js'
import { t } from './i18n.js'
import { cardElement, memberElement, ruleElement, statementElement } from './items.js'
import { COLUMNS, STATEMENTS, addCard, addMember, addRule, addScale, addStatement, isFull, participantName, rate, scalesInOrder } from './model.js'
import { reconcile } from './shell.js'

function addButton (ctx, part, label, action) {
  // A view drawn once for the whole meeting (the phone) says what stays read-only in
  // `readOnly` and follows the lock in place; other views are drawn again when it changes.
  if (ctx.me.role === 'viewer' || (ctx.readOnly ? ctx.readOnly() : ctx.frozen())) return null
  const add = () => ctx.frozen() ? null : isFull(ctx.doc, part) ? ctx.tell('live.full') : action()
  return h('button', { type: 'button', class: 'add own-control', disabled: ctx.frozen(), on: { click: add } }, '+ ', label)
}

function focusNew (container, id) {
  requestAnimationFrame(() => {
    const node = container.querySelector(`[data-key="${CSS.escape(id)}"] textarea, [data-key="${CSS.escape(id)}"] input`)
    if (node) node.focus()
  })
}

export function columns (ctx) {
  const section = h('section', { class: 'columns', 'aria-label': t('record.title') })
  const renders = []
  for (const column of COLUMNS) {
    const array = ctx.doc.getArray(column.part)
    const kinds = column.kinds.map((kind) => {
      const list = h('ul', { class: 'cards', 'aria-label': t('kind.' + kind) })
      const render = () => reconcile(list, array.toArray().filter((c) => c.get('kind') === kind),
        (c) => c.get('id'), (c) => cardElement(ctx, column.part, c))
      renders.push(render)
      return h('div', { class: 'kind kind-' + kind },
        h('h3', { text: t('kind.' + kind) }), list,
        addButton(ctx, column.part, t('live.add_card'), () => focusNew(list, addCard(ctx.doc, ctx.me, column.part, kind))))
    })
    section.append(h('section', { class: 'column column-' + column.part },
      h('h2', { text: t('column.' + column.part) }), kinds))
    array.observeDeep(() => ctx.schedule(column.part, () => renders.forEach((r) => r())))
  }
  renders.forEach((r) => r())
  return section
}

export function statements (ctx) {
  const section = h('section', { class: 'statements' })
  for (const part of STATEMENTS) {
    const array = ctx.doc.getArray(part)
    const list = h('ol', { class: 'cards' })
    const render = () => reconcile(list, array.toArray(), (i) => i.get('id'), (i) => statementElement(ctx, part, i))
    array.observeDeep(() => ctx.schedule(part, render))
    render()
    section.append(h('section', { class: 'statement-list ' + part },
      h('h2', { text: t('part.' + part) }),
      h('p', { class: 'guide', text: t('guide.' + part) }),
      list,
      addButton(ctx, part, t('live.add_' + part), () => focusNew(list, addStatement(ctx.doc, ctx.me, part)))))
  }
  return section
}

function scaleLine (ctx, scaleId, scale) {
  const ratings = scale.get('ratings')
  const line = h('div', { class: 'scale-line' })
  const ticks = h('ol', { class: 'ticks', 'aria-hidden': 'true' })
  for (let value = 0; value <= 10; value++) ticks.append(h('li', { text: String(value) }))
  // One row per person, a pin at their number: differences between people are the point.
  const rows = [...ratings.entries()]
    .map(([pid, value]) => [participantName(ctx.doc, pid), value])
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
  const list = h('ul', { class: 'ratings', 'aria-label': t('part.scales') },
    rows.map(([name, value]) => {
      const pin = h('span', { class: 'pin', text: String(value) })
      pin.style.left = `${value * 10}%`
      return h('li', { class: 'rating-row' }, h('span', { class: 'who', text: name }),
        h('span', { class: 'track', 'aria-label': `${name}: ${value}` }, pin))
    }))
  line.append(h('div', { class: 'rating-row head' }, h('span', { class: 'who' }), h('span', { class: 'track' }, ticks)),
    rows.length ? list : h('p', { class: 'empty', text: t('scale.no_ratings') }))
  const mine = ratings.get(ctx.me.id)
  // A relative gives their own number before they see anyone else's: seen first, the
  // others' numbers would steer theirs, and the differences are what the meeting needs.
  const mayRate = ctx.me.role !== 'viewer' && !ctx.readOnly?.()
  if (ctx.me.role === 'participant' && mine === undefined) {
    line.replaceChildren(h('p', { class: 'own-first', text: t('scale.own_first') }))
  }
  const buttons = !mayRate ? null
    : h('div', { class: 'rate', role: 'group', 'aria-label': t('live.my_rating') },
      Array.from({ length: 11 }, (_, value) => h('button', {
        type: 'button', class: 'score own-control' + (mine === value ? ' chosen' : ''), 'aria-pressed': String(mine === value),
        disabled: ctx.frozen(),
        on: { click: () => { if (ctx.frozen()) return; rate(ctx.doc, ctx.me, scaleId, value); ctx.rated?.(scaleId, value) } }
      }, String(value))))
  return h('div', { class: 'scale' },
    h('h3', { text: scale.get('question') }),
    h('p', { class: 'meaning' }, h('strong', { text: '0 ' }), scale.get('zero'), h('br'), h('strong', { text: '10 ' }), scale.get('ten')),
    // A view that answers a rating (the phone) keeps one answer per scale, under the buttons.
    ...(ctx.me.role === 'participant' ? [buttons, ctx.ratingFeedback?.(scaleId), line] : [line, buttons]))
}

export function scales (ctx) {
  const list = h('div', { class: 'scale-list' })
  const render = () => list.replaceChildren(...scalesInOrder(ctx.doc).map(([id, scale]) => scaleLine(ctx, id, scale)))
  ctx.doc.getMap('scales').observeDeep(() => ctx.schedule('scales', render))
  ctx.doc.getMap('participants').observeDeep(() => ctx.schedule('scales', render))
  render()
  let form = null
  if (ctx.me.role === 'facilitator' && !ctx.frozen()) {
    const question = h('input', { 'aria-label': t('live.scale_question'), placeholder: t('live.scale_question'), maxlength: 400 })
    const zero = h('input', { 'aria-label': t('scale.zero'), placeholder: t('scale.zero'), maxlength: 400 })
    const ten = h('input', { 'aria-label': t('scale.ten'), placeholder: t('scale.ten'), maxlength: 400 })
    form = h('form', { class: 'add-scale', on: { submit: (e) => { e.preventDefault(); if (!question.value.trim()) return; if (isFull(ctx.doc, 'scales')) return ctx.tell('live.full'); addScale(ctx.doc, question.value.trim(), zero.value.trim(), ten.value.trim()); question.value = zero.value = ten.value = '' } } },
      h('h3', { text: t('live.add_scale') }), question, zero, ten,
      h('div', { class: 'suggestions' }, ['willingness', 'capacity', 'confidence'].map((kind) =>
        h('button', { type: 'button', class: 'small', on: { click: () => { question.value = t(`scale.suggest.${kind}`); zero.value = t(`scale.suggest.${kind}.zero`); ten.value = t(`scale.suggest.${kind}.ten`) } } }, t(`scale.kind.${kind}`)))),
      h('button', { type: 'submit', class: 'add' }, '+ ', t('live.add_scale')))
  }
  return h('section', { class: 'scales' }, h('h2', { text: t('part.scales') }), list, form)
}

export function plan (ctx) {
  const array = ctx.doc.getArray('plan')
  const list = h('ol', { class: 'cards plan' })
  const render = () => reconcile(list, array.toArray(), (i) => i.get('id'), (i) => ruleElement(ctx, i), (node) => node.refresh())
  array.observeDeep(() => ctx.schedule('plan', render))
  render()
  return h('section', { class: 'plan-section' }, h('h2', { text: t('part.plan') }),
    h('p', { class: 'guide', text: t('guide.plan') }), list,
    addButton(ctx, 'plan', t('live.add_rule'), () => focusNew(list, addRule(ctx.doc, ctx.me, { rule: '' }))))
}

export function network (ctx) {
  const array = ctx.doc.getArray('network')
  const list = h('ul', { class: 'cards network' })
  const render = () => reconcile(list, array.toArray(), (i) => i.get('id'), (i) => memberElement(ctx, i), (node) => node.refresh())
  array.observeDeep(() => ctx.schedule('network', render))
  render()
  return h('section', { class: 'network-section' }, h('h2', { text: t('part.network') }), list,
    addButton(ctx, 'network', t('live.add_member'), () => focusNew(list, addMember(ctx.doc, ctx.me, { name: '', relation: '' }))))
}
