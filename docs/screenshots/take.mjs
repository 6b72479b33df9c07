// Screenshots of the live pages at phone, tablet, laptop and projector sizes.
// Usage: node docs/screenshots/take.mjs URL EMAIL PASSWORD BOARD_ID OUT_DIR
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')
const [url, email, password, board, out] = process.argv.slice(2)

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
})
try {
  const desk = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'nl-NL' })
  const page = await desk.newPage()
  await page.goto(`${url}/signin`)
  await page.fill('#email', email)
  await page.fill('#password', password)
  await page.click('button[type=submit]')
  await page.waitForURL(`${url}/`)
  await page.screenshot({ path: `${out}/dashboard-laptop.png` })
  await page.click('main a[href^="/cases/"]')
  await page.waitForSelector('.rows')
  await page.screenshot({ path: `${out}/case-laptop.png` })
  await page.click('nav a[href="/"]')
  await page.waitForURL(`${url}/`)
  await page.click('a.button.primary[href^="/boards/"]')
  await page.waitForSelector('.status.connected')
  await page.waitForSelector('.card')
  await page.screenshot({ path: `${out}/board-laptop.png` })
  await page.click('.meeting-panel summary')
  await page.waitForSelector('.panel-body .qr')
  await page.screenshot({ path: `${out}/board-controls.png` })
  const code = (await page.textContent('.meeting-panel .code')).replace('-', '')

  // The wall: opened from the meeting panel, as a facilitator does, at a beamer's sizes.
  const [wall] = await Promise.all([desk.waitForEvent('page'), page.click('.panel-actions a[href$="/projector"]')])
  for (const [name, part, width, height] of [
    ['projector-view', 'all', 1920, 1080], ['projector-view-1280', 'all', 1280, 720],
    ['projector-columns', 'columns', 1920, 1080], ['projector-scales-1280', 'scales', 1280, 720],
    ['projector-plan', 'plan', 1920, 1080]
  ]) {
    await page.selectOption('#wall-part', part)
    await wall.setViewportSize({ width, height })
    await wall.waitForSelector(`.wall[data-part="${part}"]`)
    await wall.waitForSelector('.join-corner .code')
    await wall.waitForFunction(() => document.images[0]?.complete)
    await wall.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    await wall.screenshot({ path: `${out}/${name}.png` })
  }
  await page.selectOption('#wall-part', 'all')
  await wall.close()

  for (const [name, viewport] of [['projector', { width: 1920, height: 1080 }], ['tablet', { width: 820, height: 1180 }]]) {
    await page.setViewportSize(viewport)
    await page.reload()
    await page.waitForSelector('.status.connected')
    await page.screenshot({ path: `${out}/board-${name}.png` })
  }

  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
  const mobile = await phone.newPage()
  await mobile.goto(`${url}/j`)
  await mobile.screenshot({ path: `${out}/phone-code.png` })
  await mobile.fill('#code', code.toLowerCase())
  await mobile.click('button[type=submit]')
  await mobile.waitForSelector('#name')
  await mobile.fill('#name', 'Opa Henk')
  await mobile.fill('#relation', 'opa')
  await mobile.screenshot({ path: `${out}/phone-name.png` })
  await mobile.click('button[type=submit]')
  await mobile.waitForSelector('.status.connected')
  await mobile.waitForSelector('.card')
  await mobile.screenshot({ path: `${out}/phone-board.png` })
  await mobile.click('[data-tab=scales]')
  await mobile.screenshot({ path: `${out}/phone-rating.png` })
  await mobile.goto(`${url}/j/ZZZZZZ`)
  await mobile.screenshot({ path: `${out}/phone-wrong-code.png` })
} finally {
  await browser.close()
}
