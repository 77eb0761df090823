import { chromium } from 'playwright-core';

/** What a reader of the API reference at `/docs` sees, and what the page did to show it. */
export interface ApiReferenceVisit {
  /** Which of the wanted texts the page showed after the reader opened the tag. */
  shown: string[];
  /** Requests to any origin but the gateway's (fonts, CDNs, telemetry): there must be none. */
  foreignRequests: string[];
  /** The browser's reports of anything the page's CSP blocked. */
  cspViolations: string[];
}

/**
 * Opens `/docs` of the gateway at `baseUrl` in headless Chromium (Debian's), clicks `tag` in the
 * reference's sidebar as a reader would, and reports which of `wanted` the page then shows.
 */
export async function visitApiReference(
  baseUrl: string,
  tag: string,
  wanted: string[],
): Promise<ApiReferenceVisit> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    const origin = new URL(baseUrl).origin;
    const foreignRequests: string[] = [];
    const cspViolations: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== origin && url.protocol !== 'data:') {
        foreignRequests.push(request.url());
      }
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) {
        cspViolations.push(message.text());
      }
    });
    await page.goto(`${baseUrl}/docs`);
    await page.locator('aside, nav').getByText(tag, { exact: true }).first().click({ timeout: 30_000 });
    const shown: string[] = [];
    for (const text of wanted) {
      // Not found in time is an answer too: the test says which texts were missing.
      await page
        .getByText(text, { exact: false })
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 })
        .then(
          () => shown.push(text),
          () => undefined,
        );
    }
    return { shown, foreignRequests, cspViolations };
  } finally {
    await browser.close();
  }
}
