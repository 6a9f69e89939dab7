// P pairs of users; in each pair one sends K messages over STOMP, one at a time, each waiting for its RECEIPT
// (i.e. until the message is durable and both inboxes hold it). Prints throughput and receipt latency percentiles.
// Usage: node send-throughput.mjs URL PAIRS MESSAGES   (the recipients must exist in the directory: see run.sh)
import { connect, frame, token } from './stomp.mjs';

const [url = 'ws://localhost:5000/ws', pairs = '20', messages = '50', ...recipients] = process.argv.slice(2);
let latencies = [];
async function sender(recipientId, senderId, count = Number(messages)) {
  const waiting = new Map();
  const ws = await connect(url, token(senderId), (command, text) => {
    if (command !== 'RECEIPT') return;
    const id = /receipt-id:(\S+)/.exec(text)[1];
    waiting.get(id)?.();
  });
  for (let n = 0; n < count; n++) {
    const receipt = `r${n}`;
    const sentAt = performance.now();
    await new Promise((resolve) => {
      waiting.set(receipt, resolve);
      ws.send(frame('SEND', { destination: '/app/message.send', receipt, 'content-type': 'application/json' },
        JSON.stringify({ recipientId, text: `benchmark message ${n}` })));
    });
    latencies.push(performance.now() - sentAt);
  }
  ws.close();
}
// Warm-up in a conversation of its own, so first-use costs (JIT, query compilation) are not measured as sends.
await sender(recipients[0], recipients[recipients.length - 1], 5);
latencies = [];
const started = performance.now();
await Promise.all(recipients.slice(0, Number(pairs)).map((recipient, i) => sender(recipient, recipients[(i + 1) % recipients.length])));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
console.log(JSON.stringify({ messages: latencies.length, seconds: +seconds.toFixed(2), perSecond: Math.round(latencies.length / seconds), p50ms: at(0.5), p95ms: at(0.95), p99ms: at(0.99) }));
