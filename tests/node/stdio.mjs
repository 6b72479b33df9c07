// The harnesses' wire: one JSON request a line on stdin, one reply a line on stdout,
// {id, ok, result | error}. `onClose` runs when the test closes stdin.
import { createInterface } from 'node:readline'

export function serve (ops, onClose) {
  const lines = createInterface({ input: process.stdin })
  lines.on('line', async (line) => {
    const request = JSON.parse(line)
    let reply
    try {
      reply = { id: request.id, ok: true, result: (await ops[request.op](request)) ?? null }
    } catch (error) {
      reply = { id: request.id, ok: false, error: String(error.message || error).slice(0, 2000) }
    }
    process.stdout.write(JSON.stringify(reply) + '\n')
  })
  lines.on('close', async () => {
    await onClose()
    process.exit(0)
  })
}
