/** The request guard every app spec runs under can fail: a page sending a photo, or calling a CDN, is caught. */
import { catalogPhoto, expect, servedCatalog, test, watchRequests } from './fixtures.ts';

test('the request guard catches a photo upload and a third-party request', async ({
  browser,
  request,
  baseURL,
}) => {
  const catalog = await servedCatalog(request, baseURL!);
  // The app's CSP would block the third-party fetch before it is made; the guard is under test here.
  const context = await browser.newContext({ baseURL, bypassCSP: true });
  const watch = watchRequests(context, new URL(baseURL!).origin);
  try {
    const page = await context.newPage();
    await page.goto('./');
    // What the app must never do, done by hand: post the photo, fetch a web font from a CDN.
    await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const form = new FormData();
      form.append('photo', new File([bytes], 'photo.jpg', { type: 'image/jpeg' }));
      await fetch('./upload', { method: 'POST', body: form }).catch(() => undefined);
      await fetch('./analytics', { method: 'POST', body: bytes }).catch(() => undefined);
      await fetch('https://fonts.example.invalid/font.woff2').catch(() => undefined);
    }, catalogPhoto(catalog.ids[0]).bytes.toString('base64'));
    const failure = await watch.verify().then(
      () => '',
      (error: Error) => error.message,
    );
    expect(failure).toContain('sends data: POST');
    expect(failure).toContain('/upload');
    expect(failure).toContain('sends data with image bytes: POST');
    expect(failure).toContain('other origin: https://fonts.example.invalid/font.woff2');
  } finally {
    await context.close();
  }
});
