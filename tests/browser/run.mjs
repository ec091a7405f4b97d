// Browser tests for the kubeniwa page: headless Chromium driven by playwright-core.
//
// Usage: node tests/browser/run.mjs <url>   (`cargo xtask test` builds dist/, serves it on a
// free loopback port and runs this). The browser is the system's Chromium (Debian package
// `chromium`), found as $KUBENIWA_CHROMIUM or `chromium` on PATH; Playwright downloads nothing.
//
// The checks run in order on one page, like a user would: load, apply the talk's ConfigMap,
// see it in the objects table, `kubectl get cm` in the terminal. Each check is independent in
// reporting (a failure is recorded and the next check still runs). Screenshots go to
// test-output/. The last line is `N passed, M failed`; the exit status is 1 if any failed.

import { chromium } from 'playwright-core';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const url = process.argv[2] ?? 'http://127.0.0.1:8080/';
const outDir = 'test-output';
const timeout = 15_000;

/** The talk's ConfigMap (slide 38), as a user would type it. */
const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: special-config
  namespace: default
data:
  special.how: very
`;

function findChromium() {
  if (process.env.KUBENIWA_CHROMIUM) return process.env.KUBENIWA_CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new Error('chromium is not on PATH (Debian: apt-get install chromium); or set KUBENIWA_CHROMIUM');
}

/** Waits until the element's text contains `expected`; fails with what it does contain. */
async function waitForText(locator, expected, what) {
  try {
    await locator.filter({ hasText: expected }).first().waitFor({ timeout });
  } catch {
    const actual = await locator.first().textContent({ timeout: 1000 }).catch(() => '<missing>');
    throw new Error(`${what}: expected text containing ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: findChromium(),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.setDefaultTimeout(timeout);

// Anything the page reports as an error fails the `no errors` check at the end.
const problems = [];
page.on('console', (message) => {
  if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
});
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
page.on('response', (response) => {
  if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
});

const checks = [
  ['the page loads and becomes interactive', async () => {
    await page.goto(url, { waitUntil: 'load', timeout });
    await byTestId(page, 'editor').waitFor({ state: 'visible', timeout });
    await byTestId(page, 'terminal-input').waitFor({ state: 'visible', timeout });
    assert(await byTestId(page, 'loading').count() === 0, 'the loading message is still shown');
    const heading = await page.locator('h1').textContent();
    assert(heading === 'kubeniwa', `header is ${JSON.stringify(heading)}, expected "kubeniwa"`);
    await page.screenshot({ path: join(outDir, '01-loaded.png') });
  }],

  ['the editor starts with the talk\'s ConfigMap special-config', async () => {
    const text = await byTestId(page, 'editor').inputValue();
    assert(text.includes('kind: ConfigMap'), `editor lacks "kind: ConfigMap": ${JSON.stringify(text)}`);
    assert(text.includes('name: special-config'), `editor lacks "name: special-config": ${JSON.stringify(text)}`);
    assert(text.includes('special.how: very'), `editor lacks "special.how: very": ${JSON.stringify(text)}`);
  }],

  ['the page\'s Content-Security-Policy allows no inline script', async () => {
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert(csp !== null, 'no Content-Security-Policy meta element');
    assert(csp.includes("script-src 'self' 'wasm-unsafe-eval'"), `unexpected script-src in ${csp}`);
    assert(!csp.includes('unsafe-inline'), `CSP allows unsafe-inline: ${csp}`);
    assert(await page.locator('script:not([src])').count() === 0, 'the page has an inline script');
  }],

  ['Apply prints `configmap/special-config created`', async () => {
    await byTestId(page, 'editor').fill(configMap);
    await byTestId(page, 'apply').click();
    await waitForText(byTestId(page, 'apply-output'), 'configmap/special-config created', 'apply output');
    await page.screenshot({ path: join(outDir, '02-applied.png') });
  }],

  ['applying the same manifest again (Ctrl+Enter) prints `unchanged`', async () => {
    await byTestId(page, 'editor').press('Control+Enter');
    await waitForText(byTestId(page, 'apply-output'), 'configmap/special-config unchanged', 'apply output');
  }],

  ['the objects table lists the ConfigMap', async () => {
    const row = byTestId(page, 'object-ConfigMap-default-special-config');
    try {
      await row.waitFor({ state: 'visible', timeout });
    } catch {
      const rows = await byTestId(page, 'objects').locator('tbody tr').evaluateAll(
        (trs) => trs.map((tr) => tr.getAttribute('data-testid')),
      );
      throw new Error(`no row object-ConfigMap-default-special-config; rows: ${JSON.stringify(rows)}`);
    }
    const cells = await row.locator('td').allTextContents();
    assert(cells[0] === 'ConfigMap' && cells[1] === 'default' && cells[2] === 'special-config',
      `row cells are ${JSON.stringify(cells)}`);
  }],

  ['`kubectl get cm` in the terminal lists special-config', async () => {
    const input = byTestId(page, 'terminal-input');
    await input.fill('kubectl get cm');
    await input.press('Enter');
    const output = byTestId(page, 'terminal-output');
    await waitForText(output, 'kubectl get cm', 'terminal echo of the command');
    await waitForText(output, 'special-config', 'terminal output');
    assert(await input.inputValue() === '', 'the prompt was not cleared after Enter');
    await page.screenshot({ path: join(outDir, '03-terminal.png') });
  }],

  ['the terminal recalls the previous command with ArrowUp', async () => {
    const input = byTestId(page, 'terminal-input');
    await input.press('ArrowUp');
    const recalled = await input.inputValue();
    assert(recalled === 'kubectl get cm', `ArrowUp recalled ${JSON.stringify(recalled)}`);
    await input.fill('');
  }],

  ['text from the user and the engine is shown as text, never as HTML', async () => {
    const hostile = '<img src=x data-injected=1><b data-injected=1>bold</b>';
    await byTestId(page, 'editor').fill(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "${hostile}"\n`);
    await byTestId(page, 'apply').click();
    const input = byTestId(page, 'terminal-input');
    await input.fill(`echo ${hostile}`);
    await input.press('Enter');
    await waitForText(byTestId(page, 'terminal-output'), `echo ${hostile}`, 'terminal echo of the command');
    const injected = await page.locator('[data-injected]').count();
    assert(injected === 0, `${injected} element(s) were created from text`);
  }],

  ['no error banner, console errors, failed requests or page errors', async () => {
    const banners = await byTestId(page, 'error-banner').allTextContents();
    assert(banners.length === 0, `error banner shown: ${banners.join(' / ')}`);
    assert(problems.length === 0, problems.join('\n'));
  }],
];

let passed = 0;
let failed = 0;
for (const [index, [name, check]] of checks.entries()) {
  try {
    await check();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}\n     ${String(error.message ?? error).replaceAll('\n', '\n     ')}`);
    await page.screenshot({ path: join(outDir, `failure-${String(index + 1).padStart(2, '0')}.png`) }).catch(() => {});
  }
}
await page.screenshot({ path: join(outDir, '99-final.png'), fullPage: true }).catch(() => {});
await browser.close();

console.log(`screenshots: ${outDir}/`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
