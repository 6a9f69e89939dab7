// A buyer and a seller on the demo page (/demo) in headless Chromium, driven by playwright-core.
// Run by tests/Messaging.Host.Tests/Demo/BrowserChatTests.cs against a host on a loopback port with the demo enabled:
//
//   node browser-chat.mjs --base-url http://127.0.0.1:PORT --chromium /usr/bin/chromium --transport raw|xhr-streaming|xhr-polling|…
//                         --screenshots DIR [--scenario chat|block] [--buyer alice] [--seller bob] [--product 'Vintage Camera']
//                         [--timeout-ms 60000]
//
// chat: the buyer starts a conversation with the seller; the seller sees it in the list with an unread badge, opens it
// (the badge clears, the buyer sees the read receipt), types (the buyer sees the indicator) and answers; the buyer
// answers back into the open conversation.
// block: the seller blocks the conversation the buyer started (neither can write), unblocks it, and gets the buyer's next message.
// Neither page reloads. One JSON summary is printed on stdout; the exit code is 0 when every step completed.
// Screenshots go to DIR: <run>-buyer.png and <run>-seller.png at the end, <run>-buyer-typing.png while the indicator
// shows (chat), <run>-buyer-blocked.png (block), <run>-{buyer,seller}-failure.png when a step fails; <run> is the
// transport for the chat and block-<transport> for the block scenario.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: options } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    chromium: { type: 'string' },
    transport: { type: 'string' },
    screenshots: { type: 'string' },
    buyer: { type: 'string', default: 'alice' },
    seller: { type: 'string', default: 'bob' },
    product: { type: 'string', default: 'Vintage Camera' },
    scenario: { type: 'string', default: 'chat' },
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
for (const required of ['base-url', 'chromium', 'transport', 'screenshots']) {
  if (!options[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}
if (!['chat', 'block'].includes(options.scenario)) {
  console.error('--scenario is chat or block');
  process.exit(2);
}
const timeoutMs = Number(options['timeout-ms']);
const stepTimeoutMs = Math.min(15000, timeoutMs);
const { transport } = options;
// Names the screenshots: <transport>-… for the chat, block-<transport>-… for the block scenario.
const runName = options.scenario === 'chat' ? transport : `${options.scenario}-${transport}`;

// Chromium flags that work on our headless build machines; Playwright gives the browser a fresh profile of its own.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const marker = `${transport} ${Date.now().toString(36)}`;
const summary = {
  ok: false,
  failure: null,
  transport,
  status: {},
  conversationId: null,
  sellerBadgeBeforeOpening: null,
  sellerBadgeAfterOpening: null,
  buyerReceipt: null,
  buyerTyping: null,
  blocked: null, // block scenario: each side while blocked, and after unblocking
  unblocked: null,
  texts: { question: `Is the ${options.product.toLowerCase()} still available? (${marker})`, answer: `Yes, it is! (${marker})`, thanks: `Great, I'll take it (${marker})` },
  seen: { buyer: [], seller: [] },
  reloaded: {},
  pageErrors: [],
  pageState: {}, // after a failure: each page's connection status and error line
  screenshots: [],
  steps: [],
};

async function step(label, action) {
  const result = await action();
  summary.steps.push(label);
  return result;
}

/** The open pages by role, for the screenshots of a failure. */
const pages = {};

async function openAs(browser, role, who) {
  // Two contexts: two people with separate storage, as in two browsers.
  const context = await browser.newContext({ viewport: { width: 1100, height: 640 } });
  const page = await context.newPage();
  pages[role] = page;
  page.setDefaultTimeout(stepTimeoutMs);
  page.on('pageerror', (error) => summary.pageErrors.push({ who, error: error.message }));
  await page.goto(`${options['base-url']}/demo?user=${who}&transport=${transport}`);
  await page.locator('#status[data-state="connected"]').waitFor();
  summary.status[who] = await page.locator('#status').textContent();
  // Survives only as long as the document does: still there at the end means nothing reloaded the page.
  await page.evaluate(() => { window.sameDocument = true; });
  return page;
}

async function screenshot(page, name) {
  const file = path.join(options.screenshots, `${runName}-${name}.png`);
  await page.screenshot({ path: file });
  summary.screenshots.push(file);
}

const messageText = (page, kind, text) => page.locator(`#messages .message.${kind}`, { hasText: text });

/** The buyer starts (or continues) the conversation with the seller about the product, with the given first text. */
async function startConversation(buyer, text) {
  await step(`buyer starts a conversation with the seller about the ${options.product}`, async () => {
    const sellerId = await buyer.locator('#new-recipient option', { hasText: new RegExp(`^${options.seller}`, 'i') }).getAttribute('value');
    await buyer.locator('#new-recipient').selectOption(sellerId);
    await buyer.locator('#new-product').selectOption({ label: options.product });
    await buyer.locator('#new-text').fill(text);
    await buyer.locator('#new-conversation button[type="submit"]').click();
    await messageText(buyer, 'mine', text).waitFor();
  });
}

/** The seller's list entry of the conversation whose last message is the text. */
const listedFor = (seller, text) => seller.locator('.conversation', { has: seller.locator('.last', { hasText: text }) });

async function openInList(seller, text) {
  const listed = listedFor(seller, text);
  await listed.click();
  await messageText(seller, 'theirs', text).waitFor();
  summary.conversationId = await listed.getAttribute('data-id');
}

async function send(page, text) {
  await page.locator('#send-text').fill(text);
  await page.locator('#send-text').press('Enter');
}

/** What each side shows at the end, whether it ever reloaded, and a screenshot of it. */
async function finish(buyer, seller) {
  for (const [who, page] of [['buyer', buyer], ['seller', seller]]) {
    summary.seen[who] = await page.locator('#messages .message .text').allTextContents();
    summary.reloaded[who] = !(await page.evaluate(() => window.sameDocument === true));
    await screenshot(page, who);
  }
  summary.ok = true;
}

/** Unread badge, read receipts, typing and live messages both ways. */
async function chat(buyer, seller) {
  const { question, answer, thanks } = summary.texts;
  await startConversation(buyer, question);

  const listed = listedFor(seller, question);
  await step('seller sees the conversation with an unread badge, without reloading', async () => {
    await listed.locator('.badge').waitFor();
    summary.sellerBadgeBeforeOpening = await listed.locator('.badge').textContent();
  });

  await step('seller opens it: the question is there and the badge clears', async () => {
    await openInList(seller, question);
    await listed.locator('.badge').waitFor({ state: 'detached' });
    summary.sellerBadgeAfterOpening = await listed.locator('.badge').count();
  });

  await step('buyer sees the read receipt on the question', async () => {
    const receipt = messageText(buyer, 'mine', question).locator('.receipt[data-read="true"]');
    await receipt.waitFor();
    summary.buyerReceipt = await receipt.textContent();
  });

  await step('seller types: the buyer sees the typing indicator', async () => {
    await seller.locator('#send-text').pressSequentially(answer.slice(0, 12));
    await buyer.locator('#typing').waitFor({ state: 'visible' });
    summary.buyerTyping = await buyer.locator('#typing').textContent();
    await screenshot(buyer, 'buyer-typing');
  });

  await step('seller answers: the buyer sees the answer appear and reads it at once', async () => {
    await send(seller, answer);
    await messageText(buyer, 'theirs', answer).waitFor();
    await messageText(seller, 'mine', answer).locator('.receipt[data-read="true"]').waitFor();
  });

  await step('buyer answers into the open conversation: the seller sees it and reads it at once', async () => {
    await send(buyer, thanks);
    await messageText(seller, 'theirs', thanks).waitFor();
    await messageText(buyer, 'mine', thanks).locator('.receipt[data-read="true"]').waitFor();
  });
}

/** The seller blocks the conversation: neither side can write until the seller lifts it; then the buyer's message arrives. */
async function block(buyer, seller) {
  const { question, thanks } = summary.texts;
  await startConversation(buyer, question);
  await step('seller opens the conversation', () => openInList(seller, question));

  const buyerListed = buyer.locator(`.conversation[data-id="${summary.conversationId}"]`);
  await step('seller blocks: both sides see it blocked and cannot write', async () => {
    await seller.locator('#block').click();
    await seller.locator('#block', { hasText: 'Unblock' }).waitFor();
    await buyerListed.locator('.blocked').waitFor();
    await buyer.locator('#send-text:disabled').waitFor();
    summary.blocked = {
      sellerButton: await seller.locator('#block').textContent(),
      sellerTag: await seller.locator(`.conversation[data-id="${summary.conversationId}"] .blocked`).textContent(),
      buyerTag: await buyerListed.locator('.blocked').textContent(),
      sellerCanWrite: await seller.locator('#send-text').isEnabled(),
      buyerCanWrite: await buyer.locator('#send-text').isEnabled(),
    };
    await screenshot(buyer, 'buyer-blocked');
  });

  await step('seller unblocks: both sides can write again', async () => {
    await seller.locator('#block').click();
    await seller.locator('#block', { hasText: /^Block$/ }).waitFor();
    await buyer.locator('#send-text:enabled').waitFor();
    await buyerListed.locator('.blocked').waitFor({ state: 'detached' });
    summary.unblocked = {
      sellerButton: await seller.locator('#block').textContent(),
      buyerTags: await buyerListed.locator('.blocked').count(),
      sellerCanWrite: await seller.locator('#send-text').isEnabled(),
      buyerCanWrite: await buyer.locator('#send-text').isEnabled(),
    };
  });

  await step('buyer writes again: the seller sees it', async () => {
    await send(buyer, thanks);
    await messageText(seller, 'theirs', thanks).waitFor();
  });
}

const SCENARIOS = { chat, block };

const deadline = setTimeout(() => {
  summary.failure ??= `the browser chat did not finish within ${timeoutMs} ms`;
  console.log(JSON.stringify(summary));
  process.exit(1);
}, timeoutMs);

const browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: CHROMIUM_FLAGS });
try {
  const [buyer, seller] = await Promise.all([openAs(browser, 'buyer', options.buyer), openAs(browser, 'seller', options.seller)]);
  await SCENARIOS[options.scenario](buyer, seller);
  await finish(buyer, seller);
} catch (error) {
  summary.failure = `${error.message} (after: ${summary.steps.at(-1) ?? 'nothing'})`;
  // The state of both pages at the failure is the most useful thing to look at.
  for (const [role, page] of Object.entries(pages)) {
    summary.pageState[role] = await page.evaluate(() => ({
      status: document.getElementById('status').textContent,
      error: document.getElementById('error').textContent,
    })).catch((error) => ({ unreadable: error.message }));
    await screenshot(page, `${role}-failure`).catch(() => {});
  }
} finally {
  await browser.close();
}
clearTimeout(deadline);
console.log(JSON.stringify(summary));
process.exit(summary.ok ? 0 : 1);
