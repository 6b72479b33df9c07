// The text binding's diff (web/src/lib/text-binding.js), with Node's test runner and the
// real yjs package: a textarea that is only what the binding reads and writes, typing as
// a keyboard leaves the textarea, and a second person's Y.Doc for the edits from others.
// `node --test web/test/` (make check, make test).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as Y from 'yjs'
import { bindText } from '../src/lib/text-binding.js'

class Textarea {
  constructor () {
    this.value = ''
    this.selectionStart = this.selectionEnd = 0
    this.style = {}
    this.scrollHeight = 20
    this.listeners = {}
  }

  addEventListener (name, listener) { (this.listeners[name] ??= []).push(listener) }
  fire (name, event = {}) { for (const listener of this.listeners[name] ?? []) listener(event) }
  setSelectionRange (start, end) { this.selectionStart = start; this.selectionEnd = end }

  // What a keyboard does: the new value, the caret after what was typed, an input event.
  type (at, letters, { replacing = 0, composing = false } = {}) {
    this.value = this.value.slice(0, at) + letters + this.value.slice(at + replacing)
    this.setSelectionRange(at + letters.length, at + letters.length)
    this.fire('input', { isComposing: composing })
  }
}

globalThis.requestAnimationFrame = () => {}

// Two people's documents, kept in step by hand, and the first person's bound textarea.
function card (words) {
  const mine = new Y.Doc()
  const theirs = new Y.Doc()
  mine.getText('t').insert(0, words)
  Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine))
  const textarea = new Textarea()
  globalThis.document = { activeElement: textarea }
  bindText(textarea, mine.getText('t'))
  const deltas = []
  mine.getText('t').observe((event) => deltas.push(event.delta))
  const exchange = () => {
    Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine, Y.encodeStateVector(theirs)))
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(theirs, Y.encodeStateVector(mine)))
  }
  return { mine: mine.getText('t'), theirs: theirs.getText('t'), textarea, deltas, exchange }
}

test('a typed letter is one insert where it was typed', () => {
  const { mine, textarea, deltas } = card('Ruzie')
  textarea.type(5, 's')
  assert.equal(mine.toString(), 'Ruzies')
  assert.deepEqual(deltas, [[{ retain: 5 }, { insert: 's' }]])
})

test('a word typed after the same word is placed at the caret, not in front of it', () => {
  // Placed in front, the other person's " Zin" would become this person's typing.
  const { textarea, deltas } = card(' Zin')
  textarea.type(4, ' Zin')
  assert.deepEqual(deltas, [[{ retain: 4 }, { insert: ' Zin' }]])
})

test('replacing a selection deletes only what differs and inserts the rest', () => {
  const { mine, textarea, deltas } = card('Oma haalt Max op')
  textarea.type(4, 'brengt', { replacing: 5 }) // "haalt" selected, "brengt" typed
  assert.equal(mine.toString(), 'Oma brengt Max op')
  assert.deepEqual(deltas, [[{ retain: 4 }, { delete: 5 }, { insert: 'brengt' }]])
})

test('two people typing in one card both keep their words, and the caret moves along', () => {
  const { mine, theirs, textarea, exchange } = card('Max speelt')
  theirs.insert(0, 'Soms ')
  exchange()
  assert.equal(textarea.value, 'Soms Max speelt')
  textarea.setSelectionRange(15, 15)
  textarea.type(15, ' buiten')
  theirs.insert(0, 'Vaak ')
  exchange()
  assert.equal(mine.toString(), 'Vaak Soms Max speelt buiten')
  assert.equal(theirs.toString(), mine.toString())
  assert.equal(textarea.value, mine.toString())
  assert.equal(textarea.selectionEnd, textarea.value.length)
})

test('edits from others wait while a word is composed, then the word lands where it was typed', () => {
  const { mine, theirs, textarea, exchange } = card('Oma komt')
  textarea.fire('compositionstart')
  textarea.type(8, ' morg', { composing: true })
  theirs.insert(0, 'Opa en ')
  exchange()
  assert.equal(textarea.value, 'Oma komt morg') // the keyboard's word is left alone
  textarea.type(13, 'en', { composing: true })
  textarea.fire('compositionend')
  exchange()
  assert.equal(mine.toString(), 'Opa en Oma komt morgen')
  assert.equal(theirs.toString(), mine.toString())
  assert.equal(textarea.value, mine.toString())
  assert.equal(textarea.selectionEnd, textarea.value.length)
})

test('deleting a word someone else has just changed removes only what is still there', () => {
  const { mine, theirs, textarea, exchange } = card('Max huilt vaak')
  textarea.fire('compositionstart')
  textarea.type(4, '', { replacing: 6, composing: true }) // "huilt " gone from the textarea
  theirs.insert(0, 'Soms ')
  exchange()
  textarea.fire('compositionend')
  exchange()
  assert.equal(mine.toString(), 'Soms Max vaak')
  assert.equal(theirs.toString(), mine.toString())
})
