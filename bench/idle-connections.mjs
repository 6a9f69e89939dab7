// Opens N authenticated STOMP connections, each subscribed to its user's notifications, and holds them.
// Prints one JSON line when all are up, then waits for SIGTERM. Usage: node idle-connections.mjs URL N
import { connect, frame, token, randomUUID } from './stomp.mjs';

const [url = 'ws://localhost:5000/ws', count = '10000'] = process.argv.slice(2);
const sockets = [];
const started = Date.now();
for (let opened = 0; opened < Number(count); opened += 200) {
  const batch = Array.from({ length: Math.min(200, Number(count) - opened) }, async () => {
    const ws = await connect(url, token(randomUUID()));
    ws.send(frame('SUBSCRIBE', { id: 'n', destination: '/user/queue/notifications' }));
    return ws;
  });
  sockets.push(...await Promise.all(batch));
}
console.log(JSON.stringify({ connections: sockets.length, seconds: (Date.now() - started) / 1000 }));
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1 << 30);
