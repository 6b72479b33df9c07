// The facilitator's screens in figures: Tab stops and buttons named only "Verwijderen" on the
// board at 1366x768, the projector page's height at 1920x1080 and 1280x720, and the printed
// board (written to OUT_DIR/board.pdf; count its pages with any PDF tool).
// Usage (a server with `netwerkbord demo` data running):
//   node bench/facilitator_screens.mjs URL EMAIL PASSWORD BOARD_ID OUT_DIR
import { createRequire } from 'node:module'
const require = createRequire(new URL('../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')
const [url, email, password, board, out] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } })
const page = await ctx.newPage()
await page.goto(`${url}/signin`)
await page.fill('#email', email); await page.fill('#password', password)
await page.click('button[type=submit]'); await page.waitForURL(`${url}/`)
await page.goto(`${url}/boards/${board}`)
await page.waitForSelector('.status.connected'); await page.waitForSelector('.card')
await page.waitForTimeout(500)
const stops = await page.evaluate(() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
  .filter((el) => !el.disabled && el.tabIndex >= 0 && !el.closest('[hidden]') && el.getBoundingClientRect().width > 0).length)
const named = await page.evaluate(() => [...document.querySelectorAll('button')].filter((b) => (b.getAttribute('aria-label') || b.textContent).trim() === 'Verwijderen').length)
await page.emulateMedia({ media: 'print' })
await page.pdf({ path: `${out}/board.pdf`, format: 'A4' })
await page.emulateMedia({ media: 'screen' })
const wall = await ctx.newPage()
await wall.setViewportSize({ width: 1920, height: 1080 })
await wall.goto(`${url}/boards/${board}/projector`)
await wall.waitForSelector('.join-corner .code'); await wall.waitForTimeout(800)
const h1920 = await wall.evaluate(() => document.documentElement.scrollHeight)
await wall.setViewportSize({ width: 1280, height: 720 }); await wall.waitForTimeout(800)
const h1280 = await wall.evaluate(() => document.documentElement.scrollHeight)
console.log(JSON.stringify({ stops, named_verwijderen: named, wall_height_1920: h1920, wall_height_1280: h1280 }))
await browser.close()
