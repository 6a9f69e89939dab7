// Minimal STOMP over ws for the benchmarks, and HS256 tokens signed with the server's key.
import { createHmac, randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export const developmentKey = 'messaging-development-signing-key-not-for-production-use';

export function token(userId, key = developmentKey) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: userId, iat: now, nbf: now, exp: now + 3600 })}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

export function frame(command, headers = {}, body = '') {
  return `${command}\n${Object.entries(headers).map(([k, v]) => `${k}:${v}`).join('\n')}\n\n${body}\0`;
}

/** Opens a socket, sends CONNECT, resolves with the socket once CONNECTED arrives. */
export function connect(url, jwt, onFrame = () => {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['v12.stomp']);
    let buffered = '';
    ws.on('open', () => ws.send(frame('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0', Authorization: `Bearer ${jwt}` })));
    ws.on('message', (data) => {
      buffered += data.toString();
      let end;
      while ((end = buffered.indexOf('\0')) >= 0) {
        const text = buffered.slice(0, end).replace(/^\n+/, '');
        buffered = buffered.slice(end + 1);
        const command = text.slice(0, text.indexOf('\n'));
        if (command === 'CONNECTED') resolve(ws);
        else if (command === 'ERROR') reject(new Error(text));
        else onFrame(command, text);
      }
    });
    ws.on('error', reject);
  });
}

export { randomUUID };
