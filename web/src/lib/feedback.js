// The answer to what a person just did, right under the button they pressed, read out by a
// screen reader (role="status"), and true about the connection: "added, waiting to send"
// until the server holds it, "sent" only then (see delivery.js).
import { h } from './dom.js'
import { t } from './i18n.js'

export function feedbackLine (id) {
  const node = h('p', { class: 'feedback', id, role: 'status', 'aria-live': 'polite', hidden: true })
  let latest = 0
  const say = (text, kind) => {
    node.hidden = false
    node.className = 'feedback ' + kind
    node.textContent = text
  }
  return {
    node,
    show (key, kind = 'done', values = {}) {
      latest += 1
      say(t(key, values), kind)
    },
    // What was done, then where it is: on its way, waiting for the connection, or sent.
    track (delivery, key, values = {}) {
      const mine = ++latest
      const done = t(key, values)
      const stop = delivery.listen((state) => {
        if (mine !== latest) return stop?.()
        say(`${done} ${t('phone.delivery.' + state)}`, state)
      })
      delivery.whenStored(() => {
        stop()
        if (mine === latest) say(`${done} ${t('phone.delivery.sent')}`, 'sent')
      })
    }
  }
}
