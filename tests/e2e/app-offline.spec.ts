/** After a first visit, the app starts and searches with no network at all. */
import type { Request, Response } from '@playwright/test';
import { DEMO_MODEL_IDS } from '../../src/shared/model/default-models.ts';
import {
  afterSearch,
  catalogPhoto,
  expect,
  servedCatalog,
  test,
  upload,
  waitReady,
} from './fixtures.ts';
import { SELF_MATCH_MIN } from './self-match.ts';

test('offline reload reaches ready and a search still works', async ({ page, context }) => {
  await page.goto('./');
  await waitReady(page);
  const catalog = await servedCatalog(page.request, page.url());
  // Cache Storage holds the shell and the runtime .wasm; the models and the catalog come once,
  // through the verified catalog download into IndexedDB, never into the precache as well.
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
  });
  for (const id of DEMO_MODEL_IDS) {
    expect(cached.some((u) => u.includes(`/models/${id}/`))).toBe(false);
  }
  expect(cached.some((u) => /\.wasm(\?|$)/.test(u))).toBe(true);
  expect(cached.some((u) => u.includes('/catalog/'))).toBe(false);

  await context.setOffline(true);
  // Only requests made while offline count: the background picture download of the online
  // visit may still see the answer to a request it sent before.
  const sentOffline = new Set<Request>();
  const onRequest = (request: Request) => sentOffline.add(request);
  const fromNetwork: string[] = [];
  const onResponse = (response: Response) => {
    if (!sentOffline.has(response.request())) return;
    if (!response.fromServiceWorker() && !response.url().startsWith('blob:')) {
      fromNetwork.push(response.url());
    }
  };
  context.on('request', onRequest);
  context.on('response', onResponse);
  await page.reload();
  await waitReady(page);
  const id = catalog.ids[11];
  const results = await afterSearch(page, () => upload(page, catalogPhoto(id).path));
  expect(results[0].id).toBe(id);
  expect(results[0].score).toBeGreaterThanOrEqual(SELF_MATCH_MIN);
  expect(fromNetwork, 'responses that came from the network while offline').toEqual([]);
  context.off('request', onRequest);
  context.off('response', onResponse);
  await context.setOffline(false);
});
