// The board by keyboard: skip links to each part, one Tab stop per card (its other controls
// join the tab order while the focus is in that card), and controls named after the card
// they act on, so a screen reader does not read forty-five times "Remove".
import { h } from './dom.js'
import { t } from './i18n.js'

const FOCUSABLE = 'textarea, input, select, button, a[href]'
const SNIPPET = 40

export function skipLinks (targets) {
  return h('nav', { class: 'skip-links', 'aria-label': t('skip.title') },
    targets.map(([id, key]) => h('a', {
      href: '#' + id,
      on: { click: (event) => { event.preventDefault(); focusPart(id) } }
    }, t(key))))
}

function focusPart (id) {
  const target = document.getElementById(id)
  if (!target) return
  target.tabIndex = -1
  target.focus()
  target.scrollIntoView({ block: 'start' })
}

// A card's one stop is its words (a plan rule's too, not the agree button before them).
function controlsBeyondTheFirst (card) {
  const controls = [...card.querySelectorAll(FOCUSABLE)]
  const words = card.querySelector('textarea.text') || controls[0]
  return controls.filter((control) => control !== words)
}

function closeCard (card) {
  for (const control of controlsBeyondTheFirst(card)) control.tabIndex = -1
}

function openCard (card) {
  for (const control of controlsBeyondTheFirst(card)) control.removeAttribute('tabindex')
}

function cardWords (card) {
  const first = card.querySelector('textarea.text, input')
  const words = (first?.value || '').trim().replace(/\s+/g, ' ')
  const text = words ? (words.length > SNIPPET ? words.slice(0, SNIPPET) + '…' : words) : t('card.empty')
  const what = (first?.getAttribute('aria-label') || first?.closest('label')?.textContent || '').toLowerCase()
  return { what, text }
}

function nameControls (card) {
  const words = cardWords(card)
  const remove = card.querySelector('button.remove')
  if (remove) remove.setAttribute('aria-label', t('card.remove', words))
  const place = card.querySelector('select.place')
  if (place) place.setAttribute('aria-label', t('card.move', words))
  const agree = card.querySelector('.rule-head button')
  if (agree) agree.setAttribute('aria-label', `${agree.textContent}: ${words.text}`)
}

function cardsIn (node) {
  if (!(node instanceof Element)) return []
  return node.matches('.card') ? [node] : [...node.querySelectorAll('.card')]
}

// `names` re-reads every card's words for its controls' names, at most once a frame; the
// board view calls it when the document changes (typing changes the words, not the DOM).
export function oneStopPerCard (root) {
  root.addEventListener('focusin', (event) => {
    const card = event.target.closest?.('.card')
    if (!card) return
    openCard(card)
    nameControls(card)
  })
  root.addEventListener('focusout', (event) => {
    const card = event.target.closest?.('.card')
    if (card && !card.contains(event.relatedTarget)) closeCard(card)
  })
  const settle = (cards) => {
    for (const card of cards) {
      nameControls(card)
      if (!card.contains(document.activeElement)) closeCard(card)
    }
  }
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) settle(cardsIn(node))
  }).observe(root, { childList: true, subtree: true })
  settle(cardsIn(root))
  let frame = 0
  return function names () {
    if (frame) return
    frame = requestAnimationFrame(() => {
      frame = 0
      for (const card of cardsIn(root)) nameControls(card)
    })
  }
}
