// A buyer and a seller chatting on the demo page (/demo) in headless Chromium, driven by playwright-core.
// Run by tests/Messaging.Host.Tests/Realtime/BrowserChatTests.cs against a host on a loopback port with the demo enabled:
//
//   node browser-chat.mjs --base-url http://127.0.0.1:PORT --chromium /usr/bin/chromium --transport raw|xhr-streaming|xhr-polling|…
//                         --screenshots DIR [--buyer alice] [--seller bob] [--timeout-ms 60000]
//
// The buyer starts a conversation with the seller; the seller sees it in the list with an unread badge, opens it (the
// badge clears, the buyer sees the read receipt), types (the buyer sees the indicator) and answers; the buyer answers
// back into the open conversation. Neither page reloads. One JSON summary is printed on stdout; the exit code is 0
// when every step completed. Screenshots go to DIR: <transport>-buyer.png and <transport>-seller.png at the end,
// <transport>-buyer-typing.png while the indicator shows, <transport>-{buyer,seller}-failure.png when a step fails.

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
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
for (const required of ['base-url', 'chromium', 'transport', 'screenshots']) {
  if (!options[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}
const timeoutMs = Number(options['timeout-ms']);
const stepTimeoutMs = Math.min(15000, timeoutMs);
const { transport } = options;

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
  texts: { question: `Is the camera still available? (${marker})`, answer: `Yes, it is! (${marker})`, thanks: `Great, I'll take it (${marker})` },
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
  const file = path.join(options.screenshots, `${transport}-${name}.png`);
  await page.screenshot({ path: file });
  summary.screenshots.push(file);
}

const messageText = (page, kind, text) => page.locator(`#messages .message.${kind}`, { hasText: text });

async function chat(browser) {
  const [buyer, seller] = await Promise.all([openAs(browser, 'buyer', options.buyer), openAs(browser, 'seller', options.seller)]);
  const { question, answer, thanks } = summary.texts;

  await step('buyer starts a conversation with the seller about the camera', async () => {
    const sellerId = await buyer.locator('#new-recipient option', { hasText: 'Bob' }).getAttribute('value');
    await buyer.locator('#new-recipient').selectOption(sellerId);
    await buyer.locator('#new-product').selectOption({ label: 'Vintage Camera' });
    await buyer.locator('#new-text').fill(question);
    await buyer.locator('#new-conversation button[type="submit"]').click();
    await messageText(buyer, 'mine', question).waitFor();
  });

  const listed = seller.locator('.conversation', { has: seller.locator('.last', { hasText: question }) });
  await step('seller sees the conversation with an unread badge, without reloading', async () => {
    await listed.locator('.badge').waitFor();
    summary.sellerBadgeBeforeOpening = await listed.locator('.badge').textContent();
    summary.conversationId = await listed.getAttribute('data-id');
  });

  await step('seller opens it: the question is there and the badge clears', async () => {
    await listed.click();
    await messageText(seller, 'theirs', question).waitFor();
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
    await seller.locator('#send-text').fill(answer);
    await seller.locator('#send-text').press('Enter');
    await messageText(buyer, 'theirs', answer).waitFor();
    await messageText(seller, 'mine', answer).locator('.receipt[data-read="true"]').waitFor();
  });

  await step('buyer answers into the open conversation: the seller sees it and reads it at once', async () => {
    await buyer.locator('#send-text').fill(thanks);
    await buyer.locator('#send-text').press('Enter');
    await messageText(seller, 'theirs', thanks).waitFor();
    await messageText(buyer, 'mine', thanks).locator('.receipt[data-read="true"]').waitFor();
  });

  for (const [who, page] of [['buyer', buyer], ['seller', seller]]) {
    summary.seen[who] = await page.locator('#messages .message .text').allTextContents();
    summary.reloaded[who] = !(await page.evaluate(() => window.sameDocument === true));
    await screenshot(page, who);
  }
  summary.ok = true;
}

const deadline = setTimeout(() => {
  summary.failure ??= `the browser chat did not finish within ${timeoutMs} ms`;
  console.log(JSON.stringify(summary));
  process.exit(1);
}, timeoutMs);

const browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: CHROMIUM_FLAGS });
try {
  await chat(browser);
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
