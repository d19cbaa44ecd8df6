// End to end in a real browser: `caduceus --relay --demo --web-ui <dir>` serves a stand-in of the web UI's
// chat page (page/), headless Chromium signs in with the printed token, sends a message, sees the reply
// stream in, reloads, and finds the session and its history; then search, upload and a thumbnail.
//
// Environment (set by CMake): CADUCEUS_BIN, CHROMIUM_PATH, SOCKET_IO_CLIENT (the browser bundle),
// SCREENSHOT (optional path for a screenshot of the page after the run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const caduceusBin = process.env.CADUCEUS_BIN;
const chromiumPath = process.env.CHROMIUM_PATH;
const socketIoBundle =
  process.env.SOCKET_IO_CLIENT || path.join(here, 'node_modules/socket.io-client/dist/socket.io.min.js');
const onePixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let work;
let relay;
let relayUrl;
let relayToken;
let browser;
const relayLog = [];

// The built-client layout the user points --web-ui at: index.html at the top, hashed files in assets/.
function buildClientFolder(dir) {
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  copyFileSync(path.join(here, 'page/index.html'), path.join(dir, 'index.html'));
  copyFileSync(path.join(here, 'page/chat-5b1e7d2a.js'), path.join(dir, 'assets/chat-5b1e7d2a.js'));
  copyFileSync(path.join(here, 'page/chat-3f9a1c7e.css'), path.join(dir, 'assets/chat-3f9a1c7e.css'));
  copyFileSync(socketIoBundle, path.join(dir, 'socket.io.min.js'));
}

function startRelay(webDir, dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(caduceusBin, ['--relay', '--demo', '--port', '0', '--data-dir', dataDir, '--web-ui', webDir], {
      env: { ...process.env, CADUCEUS_NO_KEYCHAIN: '1', CADUCEUS_RELAY_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error('the relay did not print its URL and token:\n' + out)), 30000);
    const onData = (chunk) => {
      const text = chunk.toString();
      out += text;
      relayLog.push(text);
      const url = /listening on (http:\/\/\S+)/.exec(out);
      const token = /^token: (\S+)/m.exec(out);
      if (url && token && /web UI: open/.test(out)) {
        clearTimeout(timer);
        resolve({ child, url: url[1], token: token[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => relayLog.push(chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`caduceus exited with ${code}:\n${out}`));
    });
  });
}

before(async () => {
  assert.ok(caduceusBin, 'CADUCEUS_BIN is not set');
  assert.ok(chromiumPath, 'CHROMIUM_PATH is not set');
  work = mkdtempSync(path.join(tmpdir(), 'caduceus-browser-'));
  const webDir = path.join(work, 'client');
  buildClientFolder(webDir);
  ({ child: relay, url: relayUrl, token: relayToken } = await startRelay(webDir, path.join(work, 'data')));
  browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: 'shell',
    userDataDir: path.join(work, 'profile'),
    args: ['--no-sandbox', '--disable-gpu', '--headless', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (relay && relay.exitCode === null) {
    relay.removeAllListeners('exit');
    const exited = new Promise((resolve) => relay.once('exit', resolve));
    relay.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('sign in, chat, reload, find the session and its history', { timeout: 90000 }, async () => {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon/.test(message.location()?.url || '')) consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  const responses = new Map();
  page.on('response', (response) => responses.set(new URL(response.url()).pathname, response));

  // The login page; a wrong token is refused, the printed one accepted.
  await page.goto(relayUrl + '/', { waitUntil: 'load' });
  await page.waitForSelector('body[data-state="login"]');
  await page.type('#token', 'not-the-token');
  await page.click('#login-form button');
  await page.waitForFunction(() => document.getElementById('login-error').textContent === 'Wrong token.');
  // The browser logs the refused check as an error; that one was asked for.
  assert.equal(consoleErrors.length, 1);
  assert.match(consoleErrors[0], /401/);
  consoleErrors.length = 0;
  await page.$eval('#token', (input) => { input.value = ''; });
  await page.type('#token', relayToken);
  await page.click('#login-form button');
  await page.waitForSelector('body[data-state="ready"]');
  await page.waitForSelector('body[data-socket="connected"]');
  assert.equal(await page.evaluate(() => localStorage.getItem('hermes_api_key')), relayToken);

  // Static files: content types and caching as a browser sees them.
  assert.match(responses.get('/').headers()['content-type'], /^text\/html/);
  assert.equal(responses.get('/assets/chat-5b1e7d2a.js').headers()['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(responses.get('/assets/chat-3f9a1c7e.css').headers()['content-type'], /^text\/css/);

  // Send; the answer streams in as several deltas.
  await page.type('#input', 'Hello from the browser, tell me about tapirs');
  await page.click('#send');
  await page.waitForSelector('li.assistant[data-streaming="false"]', { timeout: 30000 });
  const streamed = await page.$eval('li.assistant', (li) => ({ text: li.textContent, deltas: Number(li.dataset.deltas) }));
  assert.ok(streamed.deltas >= 2, `expected a streamed reply, got ${streamed.deltas} delta(s)`);
  assert.ok(streamed.text.length > 20);
  await page.waitForFunction(() => Number(document.getElementById('sessions').dataset.count) >= 1);

  // Reload: still signed in, the session is listed first and opened with its whole history.
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('body[data-state="ready"]');
  await page.waitForFunction(() => Number(document.body.dataset.resumed) >= 1);
  const sidebar = await page.$$eval('#sessions li', (items) => items.map((li) => li.textContent));
  assert.ok(sidebar.length >= 1);
  assert.match(sidebar[0], /Hello from the browser/);
  const history = await page.$$eval('#messages li', (items) =>
    items.map((li) => ({ role: li.className, id: li.dataset.messageId, text: li.textContent })));
  assert.equal(history.length, 2, JSON.stringify(history));
  assert.equal(history[0].role, 'user');
  assert.equal(history[0].text, 'Hello from the browser, tell me about tapirs');
  assert.equal(history[1].role, 'assistant');
  assert.equal(history[1].text.trim(), streamed.text.trim());
  assert.ok(history.every((m) => /^\d+$/.test(m.id)), 'stored ids');

  // Search leads to the message with the id the page shows (the id space of resumed).
  await page.type('#search', 'tapirs');
  await page.click('#search-form button');
  await page.waitForFunction(() => Number(document.getElementById('results').dataset.count) >= 1);
  const matched = await page.$eval('#results li', (li) => li.dataset.matchedMessageId);
  await page.click('#results li');
  await page.waitForFunction(() => document.body.dataset.scrolledTo !== undefined);
  assert.equal(await page.evaluate(() => document.body.dataset.scrolledTo), matched);
  assert.ok(history.some((m) => m.id === matched), `matched ${matched} is not on the page`);

  // Upload from the browser (multipart), then the thumbnail through the download URL with ?token=.
  const picture = path.join(work, 'pixel.png');
  writeFileSync(picture, onePixelPng);
  const fileInput = await page.$('#file');
  await fileInput.uploadFile(picture);
  await page.waitForSelector('#attachments img');
  await page.waitForFunction(() => {
    const img = document.querySelector('#attachments img');
    return img.complete && img.naturalWidth === 1;
  });
  const uploadedPath = await page.$eval('#attachments img', (img) => img.dataset.path);
  assert.ok(path.isAbsolute(uploadedPath));
  assert.ok(uploadedPath.startsWith(path.join(work, 'data', 'uploads')), uploadedPath);

  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  assert.deepEqual(consoleErrors, []);
});
