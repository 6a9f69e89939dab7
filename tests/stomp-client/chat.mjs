// A two-person chat over /ws with the real @stomp/stompjs client, as a browser frontend would run it.
// Run by tests/Messaging.Host.Tests/Realtime/StompJsTests.cs against a host on a loopback port:
//
//   node chat.mjs [--transport raw] --url ws://127.0.0.1:PORT/ws --alice-token JWT --bob-token JWT --bob-id UUID [--timeout-ms 20000]
//   node chat.mjs --transport xhr-polling --url http://127.0.0.1:PORT/ws …
//
// --transport raw (the default) is a plain WebSocket (the ws package) with the STOMP subprotocols; websocket,
// xhr-streaming, xhr-polling and eventsource are sockjs-client forced onto that one SockJS transport.
//
// Alice asks Bob a question (recipientId, no conversation yet), Bob learns the conversation from his notification
// queue, both subscribe to its topic, Bob types and answers. Every frame each client saw is printed as one JSON
// object on stdout; the exit code is 0 when every step completed, 1 otherwise (the summary then names the failure).

import { parseArgs } from 'node:util';
import { Client } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import WebSocket from 'ws';

const { values: options } = parseArgs({
  options: {
    transport: { type: 'string', default: 'raw' },
    url: { type: 'string' },
    'alice-token': { type: 'string' },
    'bob-token': { type: 'string' },
    'bob-id': { type: 'string' },
    'timeout-ms': { type: 'string', default: '20000' },
  },
});
for (const required of ['url', 'alice-token', 'bob-token', 'bob-id']) {
  if (!options[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}
const SOCKJS_TRANSPORTS = ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource'];
if (options.transport !== 'raw' && !SOCKJS_TRANSPORTS.includes(options.transport)) {
  console.error(`--transport is raw or one of ${SOCKJS_TRANSPORTS.join(', ')}`);
  process.exit(2);
}
const openSocket = options.transport === 'raw'
  ? () => new WebSocket(options.url, ['v12.stomp', 'v11.stomp', 'v10.stomp'])
  : () => new SockJS(options.url, null, { transports: [options.transport] });
const timeoutMs = Number(options['timeout-ms']);
const stepTimeoutMs = Math.min(10000, timeoutMs);

const summary = {
  ok: false,
  failure: null,
  transport: {}, // the negotiated subprotocol of a raw WebSocket, the transport sockjs-client settled on
  connected: {},
  conversationId: null,
  receipts: { alice: [], bob: [] },
  events: { alice: [], bob: [] },
  stompErrors: [],
  steps: [],
};

/** One person's stompjs client, recording every MESSAGE and RECEIPT it gets and letting the script wait for one. */
class Person {
  constructor(name, token) {
    this.name = name;
    this.waiters = [];
    this.client = new Client({
      webSocketFactory: openSocket,
      connectHeaders: { Authorization: `Bearer ${token}` },
      reconnectDelay: 0,
      heartbeatIncoming: 10000,
      heartbeatOutgoing: 10000,
      onStompError: (frame) => {
        summary.stompErrors.push({ client: name, message: frame.headers.message, body: frame.body });
        this.notify();
      },
      onWebSocketError: (event) => summary.stompErrors.push({ client: name, websocketError: String(event?.message ?? event) }),
      onUnhandledReceipt: (frame) => this.record('receipt', frame),
      onWebSocketClose: (event) => { this.closedWith = `${event?.code ?? '?'} ${event?.reason ?? ''}`.trim(); },
    });
  }

  connect() {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no CONNECTED within ${stepTimeoutMs} ms`
        + (this.closedWith ? ` (the socket closed: ${this.closedWith})` : ''))), stepTimeoutMs);
      this.client.onConnect = (frame) => {
        clearTimeout(timer);
        summary.connected[this.name] = { ...frame.headers };
        const socket = this.client.webSocket;
        summary.transport[this.name] = (options.transport === 'raw' ? socket?.protocol : socket?.transport) ?? null;
        resolve();
      };
      this.client.activate();
    });
  }

  subscribe(destination, receipt) {
    this.client.subscribe(destination, (message) => this.record('message', message), { receipt });
    return this.waitFor(`${this.name}: RECEIPT ${receipt} for SUBSCRIBE ${destination}`,
      (seen) => seen.kind === 'receipt' && seen.receiptId === receipt);
  }

  publish(destination, body, receipt) {
    this.client.publish({ destination, body: JSON.stringify(body), headers: { receipt, 'content-type': 'application/json' } });
  }

  record(kind, frame) {
    if (kind === 'receipt') {
      const receiptId = frame.headers['receipt-id'];
      summary.receipts[this.name].push(receiptId);
      this.seen({ kind, receiptId });
      return;
    }
    let body;
    try {
      body = JSON.parse(frame.body);
    } catch {
      body = frame.body;
    }
    const event = { destination: frame.headers.destination, contentType: frame.headers['content-type'], body };
    summary.events[this.name].push(event);
    this.seen({ kind, ...event });
  }

  seen(item) {
    (this.history ??= []).push(item);
    this.notify();
  }

  notify() {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  /** Resolves with the first recorded item (past or future) matching the predicate. */
  waitFor(label, predicate) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const found = (this.history ?? []).find(predicate);
          if (found) {
            clearTimeout(waiter.timer);
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            summary.steps.push(label);
            resolve(found);
          } else if (summary.stompErrors.some((error) => error.client === this.name)) {
            clearTimeout(waiter.timer);
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            reject(new Error(`${label}: the server sent ERROR`));
          }
        },
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`${label}: nothing within ${stepTimeoutMs} ms`));
        }, stepTimeoutMs),
      };
      this.waiters.push(waiter);
      waiter.check();
    });
  }
}

const isEvent = (destination, type) => (seen) => seen.kind === 'message' && seen.destination === destination && seen.body?.type === type;
const isReceipt = (receipt) => (seen) => seen.kind === 'receipt' && seen.receiptId === receipt;

async function chat() {
  const alice = new Person('alice', options['alice-token']);
  const bob = new Person('bob', options['bob-token']);
  try {
    await Promise.all([alice.connect(), bob.connect()]);
    await Promise.all([
      alice.subscribe('/user/queue/notifications', 'alice-sub-notifications'),
      alice.subscribe('/user/queue/errors', 'alice-sub-errors'),
      bob.subscribe('/user/queue/notifications', 'bob-sub-notifications'),
      bob.subscribe('/user/queue/errors', 'bob-sub-errors'),
    ]);

    // Alice starts the conversation by naming Bob; Bob hears of it on his notification queue.
    alice.publish('/app/message.send', { recipientId: options['bob-id'], text: 'Is the camera still available?' }, 'alice-send-1');
    const [, question] = await Promise.all([
      alice.waitFor('alice: RECEIPT alice-send-1', isReceipt('alice-send-1')),
      bob.waitFor('bob: NEW_MESSAGE on notifications', isEvent('/user/queue/notifications', 'NEW_MESSAGE')),
    ]);
    const conversationId = question.body.conversationId;
    summary.conversationId = conversationId;
    const topic = `/topic/conversation.${conversationId}`;

    await Promise.all([alice.subscribe(topic, 'alice-sub-topic'), bob.subscribe(topic, 'bob-sub-topic')]);

    // Bob types: Alice sees it on the topic and on her queue; Bob never hears his own typing.
    bob.publish('/app/typing.start', { conversationId }, 'bob-typing-1');
    await Promise.all([
      bob.waitFor('bob: RECEIPT bob-typing-1', isReceipt('bob-typing-1')),
      alice.waitFor('alice: USER_TYPING on topic', isEvent(topic, 'USER_TYPING')),
      alice.waitFor('alice: USER_TYPING on notifications', isEvent('/user/queue/notifications', 'USER_TYPING')),
    ]);

    // Bob answers in the conversation.
    bob.publish('/app/message.send', { conversationId, text: 'Yes, it is!' }, 'bob-send-1');
    await Promise.all([
      bob.waitFor('bob: RECEIPT bob-send-1', isReceipt('bob-send-1')),
      bob.waitFor('bob: NEW_MESSAGE on topic', isEvent(topic, 'NEW_MESSAGE')),
      alice.waitFor('alice: NEW_MESSAGE on topic', isEvent(topic, 'NEW_MESSAGE')),
      alice.waitFor('alice: NEW_MESSAGE on notifications', isEvent('/user/queue/notifications', 'NEW_MESSAGE')),
    ]);

    // Anything late (an echoed typing notice, a duplicate) would arrive within this window.
    await new Promise((resolve) => setTimeout(resolve, 500));
    summary.ok = true;
  } catch (error) {
    summary.failure = error.message;
  } finally {
    await Promise.allSettled([alice.client.deactivate(), bob.client.deactivate()]);
  }
}

const deadline = setTimeout(() => {
  summary.failure ??= `the chat did not finish within ${timeoutMs} ms`;
  console.log(JSON.stringify(summary));
  process.exit(1);
}, timeoutMs);

await chat();
clearTimeout(deadline);
console.log(JSON.stringify(summary));
process.exit(summary.ok ? 0 : 1);
