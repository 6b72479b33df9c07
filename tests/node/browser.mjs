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

// What a person would notice going wrong: warnings and errors in the console, and the
// status of every page the tab loads.
function watch (p) {
  p.dialogs = []
  p.errors = []
  p.on('dialog', (dialog) => { p.dialogs.push(dialog.message()); dialog.accept() })
  p.on('pageerror', (error) => p.errors.push(String(error)))
  p.sockets = []
  p.on('websocket', (socket) => p.sockets.push(socket.url()))
  p.console ??= []
  p.loads ??= []
  p.on('console', (message) => {
    if (['warning', 'error'].includes(message.type())) p.console.push(`${message.type()}: ${message.text()}`)
  })
  p.on('response', (response) => {
    if (response.request().isNavigationRequest() && response.frame() === p.mainFrame()) {
      p.loads.push({ url: response.url(), status: response.status() })
    }
  })
}

// The elements a person can click, as they are on the page now (visible ones only).
const CLICKABLE = 'a[href], button, summary, input[type=submit]'

const ops = {
  async open ({ name, width = 1280, height = 800, mobile = false, locale = 'nl-NL', timezone }) {
    const context = await browser.newContext({ viewport: { width, height }, isMobile: mobile, hasTouch: mobile, locale, timezoneId: timezone })
    const p = await context.newPage()
    watch(p)
    // A page a link opens in a new tab (the projector) is named after its opener.
    context.on('page', (popup) => { watch(popup); pages.set(name + '+', popup) })
    pages.set(name, p)
    return null
  },
  // The address of every WebSocket the page opened, in order.
  async websockets ({ name }) { return page(name).sockets },
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
        x: r.x, y: r.y, width: r.width, height: r.height,
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
  async console ({ name }) { return page(name).console },
  async loads ({ name }) { return page(name).loads },
  async clickables ({ name }) {
    return page(name).$$eval(CLICKABLE, (els) => els.map((el, index) => {
      const box = el.getBoundingClientRect()
      const style = getComputedStyle(el)
      return {
        index,
        tag: el.tagName.toLowerCase(),
        name: (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' '),
        href: el.getAttribute('href'),
        type: el.getAttribute('type'),
        target: el.getAttribute('target'),
        danger: el.classList.contains('danger') || el.classList.contains('remove'),
        visible: box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
      }
    }))
  },
  // Clicks the index-th clickable and waits for whatever it started to load.
  async click_nth ({ name, index }) {
    const p = page(name)
    p.loads = []
    const target = p.locator(CLICKABLE).nth(index)
    // A skip link shows only when the keyboard reaches it: reached and pressed like that.
    if (await target.evaluate((el) => !!el.closest('.skip-links'))) {
      await target.focus()
      await p.keyboard.press('Enter')
    } else await target.click()
    await p.waitForLoadState('load')
    return { url: p.url(), loads: p.loads }
  },
  async has_page ({ name }) { return pages.has(name) },
  // Until the first element matching `selector` holds something other than `text`.
  async wait_text_changes ({ name, selector, text, timeout = 15000 }) {
    await page(name).waitForFunction(([sel, old]) => {
      const el = document.querySelector(sel)
      return el && el.textContent && el.textContent !== old
    }, [selector, text], { timeout })
    return null
  },
  async attribute ({ name, selector, attribute }) { return page(name).getAttribute(selector, attribute) },
  async wait_url ({ name, glob, timeout = 15000 }) { await page(name).waitForURL(glob, { timeout }); return page(name).url() },
  async back ({ name }) { await page(name).goBack(); return page(name).url() },
  // Milliseconds from a resize event (or none) to three frames later (bench/wall_fit.py).
  async frames_after_resize ({ name, resize = true }) {
    return page(name).evaluate((fire) => new Promise((resolve) => {
      const start = performance.now()
      if (fire) window.dispatchEvent(new Event('resize'))
      const frames = (n) => requestAnimationFrame(() => n ? frames(n - 1) : resolve(performance.now() - start))
      frames(2)
    }), resize)
  },
  async close_page ({ name }) { await page(name).close(); pages.delete(name); return null },
  async wait_load ({ name }) {
    // A tab a link opens may not be there yet when the click returns.
    if (!pages.has(name) && name.endsWith('+')) await page(name.slice(0, -1)).context().waitForEvent('page')
    await page(name).waitForLoadState('load')
    return { url: page(name).url(), loads: page(name).loads }
  },
  async text ({ name }) { return page(name).locator('body').innerText() },
  async page_size ({ name }) {
    return page(name).evaluate(() => ({
      width: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
      viewport_width: innerWidth,
      viewport_height: innerHeight
    }))
  },
  async resize ({ name, width, height }) { await page(name).setViewportSize({ width, height }); return null },
  async emulate_media ({ name, media = null, forced_colors = null }) {
    await page(name).emulateMedia({ media, forcedColors: forced_colors })
    return null
  },
  async pdf ({ name, path }) { await page(name).pdf({ path, format: 'A4', printBackground: true }); return path },
  // The elements the Tab key stops at, in the order a keyboard reaches them.
  async tab_stops ({ name }) {
    return page(name).evaluate(() => {
      const candidates = document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')
      return [...candidates].filter((el) => {
        if (el.disabled || el.tabIndex < 0 || el.closest('[hidden], [inert]')) return false
        const box = el.getBoundingClientRect()
        return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden'
      }).map((el) => ({
        tag: el.tagName.toLowerCase(),
        name: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 80),
        card: el.closest('.card')?.dataset.key || null
      }))
    })
  },
  // What is in focus after pressing Tab `times` times on the page as it was just opened.
  async tab_from_top ({ name, times }) {
    const p = page(name)
    await p.reload()
    await p.waitForLoadState('load')
    for (let i = 0; i < times; i++) await p.keyboard.press('Tab')
    return p.evaluate(() => ({
      tag: document.activeElement.tagName.toLowerCase(),
      text: (document.activeElement.textContent || '').trim(),
      href: document.activeElement.getAttribute('href')
    }))
  },
  async computed ({ name, selector, property }) {
    return page(name).$$eval(selector, (els, prop) => els.map((el) => getComputedStyle(el)[prop]), property)
  },
  async close ({ name }) { await page(name).context().close(); pages.delete(name); return null }
}

serve(ops, () => browser.close())
