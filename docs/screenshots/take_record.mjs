// Screenshots of ending a meeting and of its record in the browser, at laptop and phone size.
// Usage: node docs/screenshots/take_record.mjs URL EMAIL PASSWORD BOARD_ID OUT_DIR PREFIX
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')
const [url, email, password, board, out, prefix] = process.argv.slice(2)

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
})
try {
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await desk.newPage()
  await page.goto(`${url}/signin`)
  await page.fill('#email', email)
  await page.fill('#password', password)
  await page.click('button[type=submit]')
  await page.waitForURL(`${url}/`)
  await page.goto(`${url}/boards/${board}`)
  await page.waitForSelector('.status.connected')
  await page.click('.meeting-panel summary')
  page.on('dialog', (dialog) => dialog.accept())
  await page.click('.meeting-panel button.danger')
  await page.waitForURL(`${url}/boards/${board}/record`)
  if (prefix === 'record-failed') await page.waitForSelector('.message.error', { timeout: 30000 })
  await page.screenshot({ path: `${out}/${prefix}-laptop.png` })
  if (prefix === 'record-writing') {
    await page.waitForURL(/\/records\//, { timeout: 120000 })
    await page.screenshot({ path: `${out}/record-browser-laptop.png` })
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true })
    await phone.addCookies(await desk.cookies())
    const small = await phone.newPage()
    await small.goto(page.url())
    await small.screenshot({ path: `${out}/record-browser-phone.png` })
  }
} finally {
  await browser.close()
}
