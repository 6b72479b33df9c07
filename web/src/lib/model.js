// The board document, version 1 (shared_schema/board.v1.json), as the views use it.
import * as Y from 'yjs'
import { properties as PART_SCHEMAS } from '../../../shared_schema/board.v1.json'

export const COLUMNS = [
  { part: 'worries', kinds: ['harm', 'danger', 'complicating'] },
  { part: 'working_well', kinds: ['strength', 'safety'] },
  { part: 'next_steps', kinds: ['goal', 'step'] }
]
export const STATEMENTS = ['danger_statements', 'safety_goals', 'bottom_lines']
export const CIRCLES = ['inner', 'middle', 'outer']
export const PARTS = [...COLUMNS.map((c) => c.part), ...STATEMENTS, 'plan', 'network']

// Whether a part holds as many items as the schema allows (`maxItems`, `maxProperties`).
// The server closes the connection of whoever sends one more, so the page says so first.
export function isFull (doc, part) {
  const { maxItems, maxProperties } = PART_SCHEMAS[part]
  return maxItems !== undefined ? doc.getArray(part).length >= maxItems : doc.getMap(part).size >= maxProperties
}

export function newId () {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')
}

function authored (me, fields, texts) {
  const map = new Y.Map()
  map.set('id', fields.id || newId())
  map.set('author', me.id)
  map.set('author_name', me.name.slice(0, 200))
  map.set('created', new Date().toISOString())
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'id') continue
    map.set(key, texts.includes(key) ? new Y.Text(value) : value)
  }
  return map
}

export function addCard (doc, me, part, kind, text = '') {
  const card = authored(me, { kind, text }, ['text'])
  doc.getArray(part).push([card])
  return card.get('id')
}

export function addStatement (doc, me, part, text = '') {
  const item = authored(me, { text }, ['text'])
  doc.getArray(part).push([item])
  return item.get('id')
}

export function addRule (doc, me, fields) {
  const status = me.role === 'facilitator' ? 'agreed' : 'proposed'
  const rule = authored(me, { who: '', when: '', check: '', if_broken: '', ...fields, status }, ['rule'])
  doc.getArray('plan').push([rule])
  return rule.get('id')
}

export function addMember (doc, me, fields) {
  const member = authored(me, { circle: 'middle', safety_person: false, ...fields }, [])
  doc.getArray('network').push([member])
  return member.get('id')
}

export function indexOf (doc, part, id) {
  return doc.getArray(part).toArray().findIndex((item) => item.get('id') === id)
}

export function find (doc, id) {
  for (const part of PARTS) {
    const index = indexOf(doc, part, id)
    if (index >= 0) return { part, index, item: doc.getArray(part).get(index) }
  }
  return null
}

export function remove (doc, part, id) {
  const index = indexOf(doc, part, id)
  if (index >= 0) doc.getArray(part).delete(index, 1)
}

// A card moves to another column as one change: the same id, kind, author and text, in
// its new place. Someone typing in it at that moment carries on in the moved card (see
// text-binding.js), so no one's words are lost.
export function moveCard (doc, fromPart, id, toPart, kind) {
  const index = indexOf(doc, fromPart, id)
  if (index < 0) return
  const old = doc.getArray(fromPart).get(index)
  if (fromPart === toPart) {
    old.set('kind', kind)
    return
  }
  doc.transact(() => {
    const moved = new Y.Map()
    for (const [key, value] of old.entries()) {
      moved.set(key, value instanceof Y.Text ? new Y.Text(value.toString()) : value)
    }
    moved.set('kind', kind)
    doc.getArray(fromPart).delete(index, 1)
    doc.getArray(toPart).push([moved])
  })
}

export function mayChange (me, item) {
  return me.role === 'facilitator' || (me.role === 'participant' && item.get('author') === me.id)
}

export function authorName (doc, item) {
  const person = doc.getMap('participants').get(item.get('author'))
  return (person && person.get('name')) || item.get('author_name') || '?'
}

export function scalesInOrder (doc) {
  return [...doc.getMap('scales').entries()].sort((a, b) => (a[1].get('order') ?? 99) - (b[1].get('order') ?? 99))
}

export function addScale (doc, question, zero, ten) {
  const scales = doc.getMap('scales')
  const scale = new Y.Map()
  scale.set('question', question)
  scale.set('zero', zero)
  scale.set('ten', ten)
  scale.set('order', scales.size)
  scale.set('ratings', new Y.Map())
  scales.set(newId(), scale)
}

export function rate (doc, me, scaleId, value) {
  doc.getMap('scales').get(scaleId).get('ratings').set(me.id, value)
}

export function participantName (doc, id) {
  const person = doc.getMap('participants').get(id)
  return (person && person.get('name')) || '?'
}
