// The facilitator's controls: the join code and QR, who is in, lock, end the meeting.
import { h, replaceChildren } from './dom.js'
import { t } from './i18n.js'

export function api (cfg, path, body) {
  const options = body === undefined ? {} : {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': cfg.csrf },
    body: JSON.stringify(body)
  }
  return fetch(`/api/boards/${cfg.board.id}${path}`, { credentials: 'same-origin', ...options })
    .then((response) => response.ok ? response.json() : Promise.reject(new Error(String(response.status))))
}

export function formatCode (code) {
  return code ? `${code.slice(0, 3)}-${code.slice(3)}` : ''
}

export function controls (ctx, container) {
  if (!ctx.cfg.csrf || ctx.me.role !== 'facilitator') return
  const code = h('strong', { class: 'code' })
  const qr = h('img', { class: 'qr', alt: t('live.qr_alt'), width: 132, height: 132 })
  const people = h('ul', { class: 'people' })
  const lock = h('button', { type: 'button', class: 'small' })
  const panel = h('details', { class: 'meeting-panel', id: 'meeting' },
    h('summary', {}, t('live.meeting'), ' ', code),
    h('div', { class: 'panel-body' },
      h('div', { class: 'join' }, qr, h('p', {}, t('live.join_at'), h('br'), h('span', { class: 'join-url' }))),
      h('div', { class: 'panel-actions' },
        lock,
        h('button', { type: 'button', class: 'small', on: { click: () => api(ctx.cfg, '/code', {}).then(refresh) } }, t('live.new_code')),
        h('a', { class: 'button small', href: `/boards/${ctx.cfg.board.id}/projector`, target: '_blank', rel: 'noopener' }, t('board.project')),
        h('button', { type: 'button', class: 'small danger', on: { click: end } }, t('live.end'))),
      h('h3', { text: t('live.who_is_in') }), people))
  container.append(panel)

  async function refresh () {
    const meeting = await api(ctx.cfg, '')
    code.textContent = formatCode(meeting.code)
    panel.querySelector('.join-url').textContent = meeting.join_url || ''
    qr.src = meeting.code ? `/boards/${ctx.cfg.board.id}/qr.svg?c=${meeting.code}` : ''
    qr.hidden = !meeting.code
    replaceChildren(people, meeting.participants.filter((p) => p.role !== 'viewer').map((p) => h('li', {},
      h('span', { class: p.connected ? 'dot online' : 'dot' }), p.name, p.relation ? ` (${p.relation})` : '',
      p.removed ? [
        h('em', { text: ' · ' + t('live.removed') + (p.tried_to_come_back ? ' · ' + t('live.tried_to_come_back', { count: p.tried_to_come_back }) : '') }),
        h('button', {
          type: 'button', class: 'small', 'aria-label': t('person.let_back', { name: p.name }), on: { click: () => api(ctx.cfg, `/participants/${p.id}/let-back`, {}).then(refresh) }
        }, t('live.let_back'))]
        : h('button', {
          type: 'button', class: 'small', 'aria-label': t('person.remove', { name: p.name }), on: { click: () => remove(p) }
        }, t('live.remove_person')))))
  }

  // Removing someone keeps them out, and offers a new code in the same step: whoever still
  // has the old one (a screenshot, a message) cannot use it once it is replaced.
  async function remove (person) {
    if (!confirm(t('live.remove_person_confirm', { name: person.name }))) return
    const newCode = confirm(t('live.remove_person_new_code', { name: person.name }))
    await api(ctx.cfg, `/participants/${person.id}/remove`, { new_code: newCode })
    refresh()
  }

  async function end () {
    if (!confirm(t('live.end_confirm'))) return
    const result = await api(ctx.cfg, '/end', {})
    if (result.record_url) location.assign(result.record_url)
  }

  const showLock = () => {
    const locked = ctx.doc.getMap('meta').get('locked') === true
    lock.textContent = t(locked ? 'live.unlock' : 'live.lock')
    lock.onclick = () => api(ctx.cfg, '/lock', { locked: !locked })
  }
  ctx.doc.getMap('meta').observe(showLock)
  ctx.doc.getMap('participants').observe(() => refresh().catch(() => {}))
  showLock()
  refresh().catch(() => {})
  setInterval(() => { if (panel.open) refresh().catch(() => {}) }, 15000) // a removed person knocking
}
