// Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright for the Python tests.
// One JSON request a line in, one reply a line out, like clients.mjs.
import { serve } from './stdio.mjs'
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run']
})
const pages = new Map()

function page (name) {
  const found = pages.get(name)
  if (!found) throw new Error(`no page ${name}`)
  return found
}

// The page's DevTools session, for input Playwright has no call for (a keyboard's composition).
async function devtools (name) {
  const p = page(name)
  p.devtools ??= await p.context().newCDPSession(p)
  return p.devtools
}

const ops = {
  async open ({ name, width = 1280, height = 800, mobile = false, locale = 'nl-NL', timezone }) {
    const context = await browser.newContext({ viewport: { width, height }, isMobile: mobile, hasTouch: mobile, locale, timezoneId: timezone })
    const p = await context.newPage()
    p.dialogs = []
    p.errors = []
    p.on('dialog', (dialog) => { p.dialogs.push(dialog.message()); dialog.accept() })
    p.on('pageerror', (error) => p.errors.push(String(error)))
    pages.set(name, p)
    return null
  },
  async goto ({ name, url }) { await page(name).goto(url); return page(name).url() },
  async fill ({ name, selector, value }) { await page(name).fill(selector, value); return null },
  async click ({ name, selector }) { await page(name).click(selector); return null },
  async select ({ name, selector, value }) { await page(name).selectOption(selector, value); return null },
  async type ({ name, selector, text, delay = 0 }) {
    await page(name).locator(selector).pressSequentially(text, { delay })
    return null
  },
  async press_key ({ name, key }) { await page(name).keyboard.press(key); return null },
  async press ({ name, selector, key }) { await page(name).press(selector, key); return null },
  // Types into whatever has the focus, as a person at a keyboard does.
  async keyboard ({ name, text, delay = 0 }) { await page(name).keyboard.type(text, { delay }); return null },
  async focus_end ({ name, selector }) {
    await page(name).locator(selector).evaluate((el) => { el.focus(); el.setSelectionRange(el.value.length, el.value.length) })
    return null
  },
  async wait ({ name, selector, state = 'visible', timeout = 15000 }) {
    await page(name).waitForSelector(selector, { state, timeout })
    return null
  },
  async wait_text ({ name, selector, text, timeout = 15000 }) {
    await page(name).waitForFunction(([sel, want]) => [...document.querySelectorAll(sel)]
      .some((el) => (typeof el.value === 'string' && el.value.includes(want)) || el.textContent.includes(want)),
    [selector, text], { timeout })
    return null
  },
  // Until the elements matching `selector` hold exactly `want` (values or texts), in order.
  async wait_values ({ name, selector, want, timeout = 15000 }) {
    await page(name).waitForFunction(([sel, expected]) => {
      const got = [...document.querySelectorAll(sel)].map((el) => typeof el.value === 'string' ? el.value : el.textContent)
      return JSON.stringify(got) === JSON.stringify(expected)
    }, [selector, want], { timeout })
    return null
  },
  async values ({ name, selector }) {
    return page(name).$$eval(selector, (els) => els.map((el) => typeof el.value === 'string' ? el.value : el.textContent))
  },
  async texts ({ name, selector }) {
    return page(name).$$eval(selector, (els) => els.map((el) => el.textContent))
  },
  async count ({ name, selector }) { return page(name).locator(selector).count() },
  async html_contains ({ name, fragment }) { return (await page(name).content()).includes(fragment) },
  async url ({ name }) { return page(name).url() },
  async dialogs ({ name }) { return page(name).dialogs },
  async errors ({ name }) { return page(name).errors },
  // Counts from now on every time the element at `selector` loses the focus.
  async watch_blur ({ name, selector }) {
    await page(name).locator(selector).evaluate((el) => {
      window.blurs = 0
      el.addEventListener('blur', () => { window.blurs += 1 })
    })
    return null
  },
  async blurs ({ name }) { return page(name).evaluate(() => window.blurs) },
  // A phone keyboard's way of typing: the word so far shown as a composition, then committed.
  async compose ({ name, text }) {
    await (await devtools(name)).send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length })
    return null
  },
  async commit ({ name, text }) {
    await (await devtools(name)).send('Input.insertText', { text })
    return null
  },
  async storage ({ name }) {
    return page(name).evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      indexeddb: (await indexedDB.databases()).length
    }))
  },
  // A script's value in the page (an expression, as a string: Playwright evaluates it
  // through DevTools, so the page's Content-Security-Policy does not stand in its way).
  async evaluate ({ name, expression }) { return page(name).evaluate(expression) },
  // Where each element matching `selector` is, and whether it lies inside the viewport and
  // shows its whole text (no scrolling inside it).
  async boxes ({ name, selector }) {
    return page(name).$$eval(selector, (els) => els.map((el) => {
      const r = el.getBoundingClientRect()
      return {
        top: r.top, bottom: r.bottom, left: r.left, right: r.right,
        inView: r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
        fits: el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1,
        tag: el.tagName.toLowerCase(),
        text: typeof el.value === 'string' ? el.value : el.textContent
      }
    }))
  },
  // What the page holds after a full garbage collection: DOM nodes, event listeners
  // (Performance.getMetrics), and its own count of the board's observers.
  async holdings ({ name }) {
    const cdp = await devtools(name)
    await cdp.send('HeapProfiler.collectGarbage')
    await cdp.send('Performance.enable')
    const { metrics } = await cdp.send('Performance.getMetrics')
    const got = Object.fromEntries(metrics.map((m) => [m.name, m.value]))
    const census = await page(name).evaluate('window.netwerkbord ? window.netwerkbord.census() : null')
    return { nodes: got.Nodes, listeners: got.JSEventListeners, census }
  },
  async screenshot ({ name, path, full = false }) { await page(name).screenshot({ path, fullPage: full }); return path },
  async close ({ name }) { await page(name).context().close(); pages.delete(name); return null }
}

serve(ops, () => browser.close())
