// A <textarea> bound to a Y.Text: local typing becomes the smallest insert and delete,
// remote edits move the caret the way the text moved, so two people in one card both keep
// their words.

export function bindText (textarea, ytext, { onFocus, onBlur } = {}) {
  let current = ytext
  textarea.value = current.toString()
  const origin = { binding: true }

  const fromRemote = (event, transaction) => {
    if (transaction.origin === origin) return
    const { selectionStart, selectionEnd } = textarea
    const focused = document.activeElement === textarea
    let position = 0
    let start = selectionStart
    let end = selectionEnd
    for (const step of event.delta) {
      if (step.retain) position += step.retain
      else if (step.insert) {
        const length = step.insert.length
        if (position < start) start += length
        if (position < end) end += length
        position += length
      } else if (step.delete) {
        if (position < start) start -= Math.min(step.delete, start - position)
        if (position < end) end -= Math.min(step.delete, end - position)
      }
    }
    textarea.value = current.toString()
    if (focused) textarea.setSelectionRange(start, end)
    grow(textarea)
  }

  const fromLocal = () => {
    const before = current.toString()
    const after = textarea.value
    if (before === after) return
    // The edit ends at the caret: what follows it is unchanged. Matching from the end no
    // further than the caret places a typed letter where it was typed, not on an equal letter
    // next to it (typing " Zin" in front of someone's " Zin" must make the first one ours).
    const unchangedTail = Math.min(before.length, after.length - textarea.selectionEnd)
    let suffix = 0
    while (suffix < unchangedTail &&
      before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++
    let prefix = 0
    while (prefix < before.length - suffix && prefix < after.length - suffix &&
      before[prefix] === after[prefix]) prefix++
    current.doc.transact(() => {
      const removed = before.length - prefix - suffix
      if (removed > 0) current.delete(prefix, removed)
      const inserted = after.slice(prefix, after.length - suffix)
      if (inserted) current.insert(prefix, inserted)
    }, origin)
    grow(textarea)
  }

  current.observe(fromRemote)
  textarea.addEventListener('input', fromLocal)
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
      fromLocal()
    },
    destroy () { current.unobserve(fromRemote) }
  }
}

export function grow (textarea) {
  textarea.style.height = 'auto'
  textarea.style.height = textarea.scrollHeight + 2 + 'px'
}
