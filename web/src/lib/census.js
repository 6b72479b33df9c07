// What a page holds on to, counted for the tests of a long meeting: the observers on every
// shared type of the board document (Yjs keeps them in `_eH` and `_dEH`, its event
// handlers) and the document's own listeners. Read through `window.netwerkbord.census()`.
import * as Y from 'yjs'

export function census (doc) {
  const count = { types: 0, observers: 0, deep: 0, text: 0, doc: 0 }
  const visit = (type) => {
    count.types += 1
    count.observers += type._eH.l.length
    count.deep += type._dEH.l.length
    if (type instanceof Y.Text) count.text += type._eH.l.length
    const children = type instanceof Y.Map ? [...type.values()] : type instanceof Y.Array ? type.toArray() : []
    for (const child of children) if (child instanceof Y.AbstractType) visit(child)
  }
  for (const type of doc.share.values()) visit(type)
  for (const listeners of doc._observers.values()) count.doc += listeners.size
  return count
}

// The latest document of this page, for the census (a reset replaces the document).
export function exposeCensus (doc) {
  window.netwerkbord = { census: () => census(doc) }
}
