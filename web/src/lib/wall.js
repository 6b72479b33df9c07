// The wall: which part of the board the projector shows, chosen by the facilitator and kept
// in the board document (`meta.wall`, docs/board-format.md), so every projector follows it
// at once and the server lets only the facilitator change it; and fitting what is shown to
// the screen, so nothing is ever below the fold of a wall nobody can scroll.
import { h } from './dom.js'
import { t } from './i18n.js'
import { grow } from './text-binding.js'
import { properties as PARTS } from '../../../shared_schema/board.v1.json'

export const WALL_PARTS = PARTS.meta.properties.wall.enum
export const DEFAULT_WALL = 'all'

export function wallPart (doc) {
  const part = doc.getMap('meta').get('wall')
  return WALL_PARTS.includes(part) ? part : DEFAULT_WALL
}

// The facilitator's choice, one select in the board's header: one tab stop, one change.
export function wallChooser (ctx) {
  if (ctx.me.role !== 'facilitator' || !ctx.cfg.csrf || ctx.frozen()) return null
  const meta = ctx.doc.getMap('meta')
  const select = h('select', { id: 'wall-part', class: 'wall-part-choice' },
    WALL_PARTS.map((part) => h('option', { value: part, text: t('wall.part.' + part) })))
  select.value = wallPart(ctx.doc)
  select.addEventListener('change', () => meta.set('wall', select.value))
  meta.observe((event) => { if (event.keysChanged.has('wall')) select.value = wallPart(ctx.doc) })
  return h('label', { class: 'wall-choice', for: 'wall-part' }, h('span', { text: t('wall.shows') }), select)
}

// Each fitted box gets the largest type at which its content fits: down to MIN_SCALE (below
// that the box scrolls within itself; the page never grows past the screen), and up to
// MAX_SCALE for a box marked `grow` (a part shown alone on the wall: read from the back).
const MIN_SCALE = 0.5
const MAX_SCALE = 1.6
const STEPS = 7

function overflows (box) {
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1
}

// Where the browser sizes a textarea to its text (wall.css: field-sizing), a new type size
// needs no script; elsewhere every card's height is measured again at each step.
const SIZED_BY_CSS = typeof CSS !== 'undefined' && CSS.supports('field-sizing', 'content')

function setScale (box, scale) {
  box.style.setProperty('--fit', String(scale))
  if (!SIZED_BY_CSS) for (const area of box.querySelectorAll('textarea')) grow(area)
}

export function fit (box) {
  box.classList.remove('scrolls')
  let high = box.classList.contains('grow') ? MAX_SCALE : 1
  setScale(box, high)
  if (!overflows(box)) return high
  let low = MIN_SCALE
  setScale(box, low)
  if (overflows(box)) {
    box.classList.add('scrolls')
    return low
  }
  for (let i = 0; i < STEPS; i++) {
    const middle = (low + high) / 2
    setScale(box, middle)
    if (overflows(box)) high = middle
    else low = middle
  }
  setScale(box, low)
  return low
}

// Fits the boxes in `root` marked `.fit` that are on screen, once per frame at most: all of
// them when the screen, the part shown or what is drawn changes; when only words change
// (typing, which is most changes), only a box whose words no longer fit. A refit of the
// heavy test case takes a few hundred milliseconds of layout (bench/wall_fit.py), too much
// for every keystroke.
export function fitter (root, doc) {
  let frame = 0
  let everything = false
  const run = () => {
    frame = 0
    const all = everything
    everything = false
    for (const box of root.querySelectorAll('.fit')) {
      if (box.offsetParent === null) continue
      if (all || (!box.classList.contains('scrolls') && overflows(box))) fit(box)
    }
  }
  // Two frames: the parts redraw in the frame after a change (shell.js scheduler).
  const soon = (all) => {
    everything = everything || all
    if (frame) return
    frame = requestAnimationFrame(() => { frame = requestAnimationFrame(run) })
  }
  doc.on('update', () => soon(false))
  window.addEventListener('resize', () => soon(true))
  // A part redrawn, the wall switched to another part, the join corner shown or hidden.
  new MutationObserver(() => soon(true)).observe(root, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['hidden', 'data-part']
  })
  return () => soon(true)
}
