// The demo chat page: REST for lists, history, mark-read and blocks; STOMP (raw WebSocket or SockJS) for sending and
// for everything live. The query string picks the user and the connection, e.g. /demo?user=alice&transport=xhr-polling,
// so a test (or a person) can force one SockJS transport.
'use strict';

const params = new URLSearchParams(location.search);
const transport = params.get('transport') ?? 'raw';
const SOCKJS_TRANSPORTS = ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource'];
const TYPING_EVERY_MS = 2000;
const TYPING_SHOWN_MS = 4000;

const $ = (id) => document.getElementById(id);
const state = {
  me: null,
  users: [],
  products: [],
  conversations: [],
  conversationsRequest: 0,
  open: null, // { id, topic subscription, messages: Map id -> { message, element } }
  client: null,
  lastTypingSent: 0,
  typingTimer: null,
};

function showError(text) {
  $('error').textContent = text;
  $('error').hidden = !text;
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${state.me.token}`, 'Content-Type': 'application/json', ...options.headers },
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(`${options.method ?? 'GET'} ${path}: ${response.status} ${problem.detail ?? problem.title ?? ''}`);
  }
  return response.json();
}

/** The user named by ?user= (an id or a first name, any case). */
function userFromQuery(users) {
  const wanted = (params.get('user') ?? '').toLowerCase();
  return users.find((user) => user.id === wanted || user.name.split(' ')[0].toLowerCase() === wanted) ?? null;
}

function reloadWith(name, value) {
  params.set(name, value);
  location.search = params.toString();
}

function option(value, text) {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = text;
  return element;
}

function userName(id) {
  return state.users.find((user) => user.id === id)?.name ?? id;
}

// ---- connection -------------------------------------------------------------------------------------------------

function connect() {
  const origin = location.origin;
  const socket = transport === 'raw'
    ? { brokerURL: `${origin.replace(/^http/, 'ws')}/ws` }
    : {
        webSocketFactory: () => new SockJS(`${origin}/ws`, null,
          SOCKJS_TRANSPORTS.includes(transport) ? { transports: [transport] } : {}),
      };
  state.client = new StompJs.Client({
    ...socket,
    connectHeaders: { Authorization: `Bearer ${state.me.token}` },
    reconnectDelay: 2000,
    heartbeatIncoming: 10000,
    heartbeatOutgoing: 10000,
    onConnect: onConnected,
    onWebSocketClose: (event) => setStatus('offline', `closed (${event?.code ?? '?'}), reconnecting…`),
    onStompError: (frame) => showError(`server error: ${frame.headers.message ?? ''} ${frame.body ?? ''}`),
  });
  state.client.activate();
}

function setStatus(value, text) {
  $('status').dataset.state = value;
  $('status').textContent = text;
}

async function onConnected() {
  setStatus('connected', `connected (${transport === 'raw' ? 'WebSocket' : `SockJS ${state.client.webSocket?.transport ?? transport}`})`);
  state.client.subscribe('/user/queue/notifications', (frame) => onNotification(JSON.parse(frame.body)));
  state.client.subscribe('/user/queue/errors', (frame) => showError(JSON.parse(frame.body).message));
  if (state.open)
    subscribeTopic(state.open);
  await refreshConversations();
}

function onNotification(event) {
  if (event.type === 'USER_TYPING') {
    if (state.open?.id === event.conversationId)
      showTyping(event.userId);
    return;
  }
  if (event.type === 'MESSAGE_READ' && state.open?.id === event.conversationId)
    showRead(event.messageIds);
  // The server sends an event only once both inboxes hold the change, so one fetch shows it.
  refreshConversations().catch((error) => showError(error.message));
}

// ---- conversation list ------------------------------------------------------------------------------------------

async function refreshConversations() {
  // Refreshes overlap (every notification starts one): only the latest request may paint the list.
  const request = ++state.conversationsRequest;
  const conversations = await api('/api/conversations');
  if (request !== state.conversationsRequest)
    return;
  state.conversations = conversations;
  const list = $('conversations');
  list.replaceChildren(...state.conversations.map((conversation) => {
    const item = document.createElement('li');
    item.className = 'conversation';
    item.dataset.id = conversation.id;
    item.classList.toggle('open', state.open?.id === conversation.id);
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = conversation.participantName ?? conversation.participantId;
    const about = document.createElement('div');
    about.className = 'about';
    about.textContent = conversation.productTitle ?? 'no product';
    const last = document.createElement('div');
    last.className = 'last';
    last.textContent = conversation.lastMessage ?? '';
    item.append(who, about, last);
    if (conversation.unreadCount > 0) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = String(conversation.unreadCount);
      item.append(badge);
    }
    if (conversation.isBlocked) {
      const blocked = document.createElement('div');
      blocked.className = 'blocked';
      blocked.textContent = conversation.blockedByMe ? 'blocked by you' : 'blocked';
      item.append(blocked);
    }
    item.addEventListener('click', () => openConversation(conversation.id).catch((error) => showError(error.message)));
    return item;
  }));
  if (state.open)
    renderChatHeader();
}

// ---- one conversation -------------------------------------------------------------------------------------------

async function openConversation(conversationId) {
  if (state.open?.id === conversationId)
    return;
  state.open?.subscription?.unsubscribe();
  state.open = { id: conversationId, subscription: null, messages: new Map() };
  $('chat').hidden = false;
  $('placeholder').hidden = true;
  $('messages').replaceChildren();
  hideTyping();
  // Subscribe before loading the history, so nothing sent in between is missed (the list dedupes by id).
  subscribeTopic(state.open);
  const history = await api(`/api/messages?conversationId=${conversationId}`);
  history.forEach(showMessage);
  await markRead(history);
  await refreshConversations();
}

function subscribeTopic(open) {
  if (!state.client?.connected)
    return;
  open.subscription = state.client.subscribe(`/topic/conversation.${open.id}`, (frame) => {
    const event = JSON.parse(frame.body);
    if (state.open !== open)
      return;
    if (event.type === 'NEW_MESSAGE') {
      showMessage(event.message);
      if (event.message.senderId !== state.me.id)
        hideTyping();
      markRead([event.message])
        .then((marked) => marked && refreshConversations())
        .catch((error) => showError(error.message));
    } else if (event.type === 'MESSAGE_READ') {
      showRead(event.messageIds);
    } else if (event.type === 'USER_TYPING') {
      showTyping(event.userId);
    }
  });
}

/** Marks read what the other participant sent and this page shows as unread; true when there was any. */
async function markRead(messages) {
  const unread = messages.filter((message) => message.senderId !== state.me.id && !message.read).map((message) => message.id);
  if (unread.length === 0)
    return false;
  await api('/api/messages/mark-read', { method: 'PATCH', body: JSON.stringify({ messageIds: unread }) });
  for (const id of unread) {
    const shown = state.open?.messages.get(id);
    if (shown)
      shown.message.read = true;
  }
  return true;
}

function renderChatHeader() {
  const conversation = state.conversations.find((item) => item.id === state.open.id);
  if (!conversation)
    return;
  $('chat-participant').textContent = conversation.participantName ?? conversation.participantId;
  $('chat-product').textContent = conversation.productTitle ? `about ${conversation.productTitle}` : '';
  $('block').textContent = conversation.blockedByMe ? 'Unblock' : 'Block';
  $('block').dataset.blocked = String(conversation.blockedByMe);
  $('send-text').disabled = conversation.isBlocked;
  $('send-text').placeholder = conversation.isBlocked ? 'This conversation is blocked' : 'Write a message';
}

function showMessage(message) {
  if (state.open.messages.has(message.id))
    return;
  const item = document.createElement('li');
  const mine = message.senderId === state.me.id;
  item.className = `message ${mine ? 'mine' : 'theirs'}`;
  item.dataset.id = message.id;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = message.text; // plain text, never HTML
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = new Date(message.createdAt).toLocaleTimeString();
  if (mine) {
    const receipt = document.createElement('span');
    receipt.className = 'receipt';
    meta.append(receipt);
  }
  item.append(text, meta);
  $('messages').append(item);
  item.scrollIntoView({ block: 'end' });
  state.open.messages.set(message.id, { message, element: item });
  if (mine)
    setReceipt(item, message.read);
}

function setReceipt(element, read) {
  const receipt = element.querySelector('.receipt');
  receipt.dataset.read = String(read);
  receipt.textContent = read ? '✓✓ read' : '✓ sent';
}

function showRead(messageIds) {
  for (const id of messageIds) {
    const shown = state.open?.messages.get(id);
    if (shown && shown.message.senderId === state.me.id) {
      shown.message.read = true;
      setReceipt(shown.element, true);
    }
  }
}

function showTyping(userId) {
  if (userId === state.me.id)
    return;
  $('typing').textContent = `${userName(userId)} is typing…`;
  $('typing').hidden = false;
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(hideTyping, TYPING_SHOWN_MS);
}

function hideTyping() {
  clearTimeout(state.typingTimer);
  $('typing').hidden = true;
}

// ---- actions ----------------------------------------------------------------------------------------------------

function onTyping() {
  const now = Date.now();
  if (!state.open || !state.client?.connected || now - state.lastTypingSent < TYPING_EVERY_MS)
    return;
  state.lastTypingSent = now;
  state.client.publish({ destination: '/app/typing.start', body: JSON.stringify({ conversationId: state.open.id }) });
}

function onSend(event) {
  event.preventDefault();
  const text = $('send-text').value;
  if (!state.open || !text.trim() || !state.client?.connected)
    return;
  state.client.publish({
    destination: '/app/message.send',
    body: JSON.stringify({ conversationId: state.open.id, text }),
    headers: { 'content-type': 'application/json' },
  });
  $('send-text').value = '';
  state.lastTypingSent = 0;
}

async function onStart(event) {
  event.preventDefault();
  // A first message creates the conversation (or lands in the existing one for this product and pair).
  const message = await api('/api/messages', {
    method: 'POST',
    body: JSON.stringify({ recipientId: $('new-recipient').value, productId: $('new-product').value, text: $('new-text').value }),
  });
  $('new-text').value = '';
  await openConversation(message.conversationId);
}

async function onBlock() {
  const conversation = state.conversations.find((item) => item.id === state.open?.id);
  if (!conversation)
    return;
  await api(`/api/conversations/${conversation.id}/block`, { method: 'POST', body: JSON.stringify({ block: !conversation.blockedByMe }) });
  await refreshConversations();
}

// ---- start ------------------------------------------------------------------------------------------------------

async function start() {
  [state.users, state.products] = await Promise.all([
    fetch('/demo/users').then((response) => response.json()),
    fetch('/demo/products').then((response) => response.json()),
  ]);
  state.me = userFromQuery(state.users);
  $('user').append(...state.users.map((user) => option(user.id, user.name)));
  $('user').value = state.me?.id ?? '';
  $('user').addEventListener('change', () => reloadWith('user', $('user').value));
  $('transport').value = transport;
  $('transport').addEventListener('change', () => reloadWith('transport', $('transport').value));
  if (!state.me)
    return;

  $('new-recipient').append(...state.users.filter((user) => user.id !== state.me.id).map((user) => option(user.id, user.name)));
  $('new-product').append(...state.products.map((product) => option(product.id, product.title)));
  const failing = (handler) => (event) => handler(event).catch((error) => showError(error.message));
  $('new-conversation').addEventListener('submit', failing(onStart));
  $('send-form').addEventListener('submit', onSend);
  $('send-text').addEventListener('input', onTyping);
  $('block').addEventListener('click', failing(onBlock));
  connect();
}

start().catch((error) => showError(error.message));
