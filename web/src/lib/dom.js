// Building DOM without HTML strings: whatever a person typed only ever becomes text.

export function h (tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'class') node.className = value
    else if (key === 'text') node.textContent = value
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler)
    else if (key === 'dataset') Object.assign(node.dataset, value)
    else if (key in node && typeof value !== 'string') node[key] = value
    else node.setAttribute(key, value === true ? '' : value)
  }
  append(node, children)
  return node
}

function append (node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

export function replaceChildren (node, ...children) {
  node.replaceChildren()
  append(node, children)
}

export function config (id) {
  return JSON.parse(document.getElementById(id).textContent)
}
