// The translation catalogue the server embedded in the page (web/i18n/*.json).
import { config } from './dom.js'

const texts = config('texts')

export function t (key, values = {}) {
  const text = texts[key] ?? key
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '')
}
