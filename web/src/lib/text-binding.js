// A <textarea> bound to a Y.Text: local typing becomes the smallest insert and delete,
// remote edits move the caret the way the text moved, so two people in one card both keep
// their words.
//
// While a word is being composed (a phone keyboard composes every word; accents and other
// scripts do too) the textarea is left alone: setting its value would end the composition,
// and the keyboard would then type the word again after what it had already put there.
// Remote edits wait until the word is done, the word then goes out as one edit, placed
// where it was typed in the text as it has become.

export function bindText (textarea, ytext, { onFocus, onBlur } = {}) {
  let current = ytext
  textarea.value = current.toString()
  let shown = textarea.value // the text the textarea was last in step with
  let composing = false
  let waiting = [] // remote edits (Yjs deltas) that came during a composition, in order
  const origin = { binding: true }

  const show = (caretFrom) => {
    const focused = document.activeElement === textarea
    const [start, end] = caretFrom(textarea.selectionStart, textarea.selectionEnd)
    textarea.value = shown = current.toString()
    if (focused) textarea.setSelectionRange(start, end)
    grow(textarea)
  }

  const fromRemote = (event, transaction) => {
    if (transaction.origin === origin) return
    waiting.push(event.delta)
    inStep()
  }

  // The person's edit to the text, others' edits to the textarea: unless a word is being
  // composed, when both wait.
  const inStep = () => {
    if (composing) return
    const before = shown
    const after = textarea.value
    const missed = waiting
    waiting = []
    if (before !== after) {
      // The edit ends at the caret: what follows it is unchanged. Matching from the end no
      // further than the caret places a typed letter where it was typed, not on an equal
      // letter next to it (typing " Zin" in front of someone's " Zin" makes the first one
      // ours).
      const caret = textarea.selectionEnd
      const unchangedTail = Math.min(before.length, after.length - caret)
      let suffix = 0
      while (suffix < unchangedTail &&
        before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++
      let prefix = 0
      while (prefix < before.length - suffix && prefix < after.length - suffix &&
        before[prefix] === after[prefix]) prefix++
      const inserted = after.slice(prefix, after.length - suffix)
      const replacedEnd = before.length - suffix // where what the edit replaced ends, in `before`
      const start = moveThroughAll(missed, prefix)
      const removed = Math.max(0, moveThroughAll(missed, replacedEnd) - start)
      current.doc.transact(() => {
        if (removed > 0) current.delete(start, removed)
        if (inserted) current.insert(start, inserted)
      }, origin)
      if (missed.length) {
        // A place in what the textarea shows, in the text as it has now become.
        const place = (at) => {
          if (at < prefix) return moveThroughAll(missed, at)
          if (at <= prefix + inserted.length) return start + at - prefix
          const inBefore = replacedEnd + at - (prefix + inserted.length)
          return moveThroughAll(missed, inBefore) + inserted.length - removed
        }
        show((caretStart, caretEnd) => [place(caretStart), place(caretEnd)])
      } else {
        shown = after
        grow(textarea)
      }
    } else if (missed.length) {
      show((start, end) => [moveThroughAll(missed, start), moveThroughAll(missed, end)])
    }
  }

  current.observe(fromRemote)
  const wordDone = () => { composing = false; inStep() }
  textarea.addEventListener('compositionstart', () => { composing = true })
  textarea.addEventListener('compositionend', wordDone)
  // Should a keyboard never say the word is done, typing outside a composition or leaving
  // the card does: nothing stays unsent.
  textarea.addEventListener('input', (event) => { if (!event.isComposing) composing = false; inStep() })
  textarea.addEventListener('blur', wordDone)
  if (onFocus) textarea.addEventListener('focus', onFocus)
  if (onBlur) textarea.addEventListener('blur', onBlur)
  requestAnimationFrame(() => grow(textarea))

  return {
    get text () { return current },
    // The card moved (another column): carry on in the new text, keeping what this person
    // typed that the mover had not seen yet.
    rebind (next) {
      current.unobserve(fromRemote)
      current = next
      current.observe(fromRemote)
      shown = current.toString()
      waiting = []
      inStep()
    },
    destroy () { current.unobserve(fromRemote) }
  }
}

// Where a place in a text is after a remote edit (a Yjs delta): pushed along by what was
// inserted before it, pulled back by what was deleted before it.
function moveThrough (delta, index) {
  let position = 0
  for (const step of delta) {
    if (step.retain) position += step.retain
    else if (step.insert) {
      const length = step.insert.length
      if (position < index) index += length
      position += length
    } else if (step.delete && position < index) {
      index -= Math.min(step.delete, index - position)
    }
  }
  return index
}

function moveThroughAll (deltas, index) {
  return deltas.reduce((at, delta) => moveThrough(delta, at), index)
}

export function grow (textarea) {
  textarea.style.height = 'auto'
  textarea.style.height = textarea.scrollHeight + 2 + 'px'
}
