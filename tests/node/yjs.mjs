// The npm packages the browser uses, for Node: one place that knows where they live.
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const load = (name) => import(require.resolve(name))

export const Y = await load('yjs')
export const { WebsocketProvider } = await load('y-websocket')
export const WebSocket = (await load('ws')).default
