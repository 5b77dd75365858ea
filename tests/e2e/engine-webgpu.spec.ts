/**
 * The query model on WebGPU, and every way WebGPU can fail: only a software adapter, a device
 * the browser refuses, a device lost mid-session. The shopper must always get results, never a
 * GPU error. This machine has no GPU: Chromium's `--enable-unsafe-webgpu` exposes SwiftShader's
 * software adapter, which `?gpu=force` accepts (one model run takes seconds on it).
 */
import type { Page, Worker } from '@playwright/test';
import { chromiumFlags, chromiumPath } from './chromium.ts';
import { logRequests } from './engine-support.ts';
import {
  afterSearch,
  catalogPhoto,
  expect,
  servedCatalog,
  test,
  upload,
  waitReady,
  type ShownResult,
} from './fixtures.ts';

test.use({
  launchOptions: {
    executablePath: chromiumPath,
    args: [...chromiumFlags, '--enable-unsafe-webgpu'],
  },
});

/** Opens `path` and runs `patch` in its search worker, before the worker's first WebGPU call. */
async function openWithWorkerPatch(page: Page, path: string, patch: () => void): Promise<Worker> {
  const created = page.waitForEvent('worker', (w) => w.url().includes('search.worker'));
  await page.goto(path);
  const worker = await created;
  // The worker tries WebGPU only after "ready", seconds after it starts.
  await worker.evaluate(patch);
  await waitReady(page);
  return worker;
}

const backend = (page: Page) => page.getByTestId('embed-backend');

/** Searches the photo again and again (a new search each time) until `done` holds. */
async function searchUntil(
  page: Page,
  path: string,
  done: () => Promise<boolean>,
  timeout: number,
): Promise<ShownResult[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.locator('input[type=file]').setInputFiles([]);
    const results = await afterSearch(page, () => upload(page, path));
    if (await done()) return results;
    if (Date.now() > deadline) throw new Error(`still "${await backend(page).innerText()}"`);
    await page.waitForTimeout(2_000);
  }
}

test('with only a software adapter, search stays on WASM and the WebGPU runtime is never fetched', async ({
  page,
  context,
  baseURL,
}) => {
  const requests = logRequests(context);
  await page.goto('./');
  await waitReady(page);
  const { ids } = await servedCatalog(page.request, baseURL!);
  const results = await afterSearch(page, () => upload(page, catalogPhoto(ids[3]).path));
  expect(results[0].id).toBe(ids[3]);
  await expect(backend(page)).toHaveAttribute('data-backend', 'wasm');
  await expect(backend(page)).toContainText('only a software GPU adapter is available');
  expect(requests.filter((path) => /asyncify|ort\.webgpu/.test(path))).toEqual([]);
});

test('a GPU device the browser refuses leaves search on WASM, with no error shown', async ({
  page,
  baseURL,
}) => {
  await openWithWorkerPatch(page, './?gpu=force', () => {
    GPUAdapter.prototype.requestDevice = () =>
      Promise.reject(new DOMException('The test refused the device.', 'OperationError'));
  });
  const { ids } = await servedCatalog(page.request, baseURL!);
  const path = catalogPhoto(ids[5]).path;
  const results = await searchUntil(
    page,
    path,
    async () => (await backend(page).innerText()).includes('WebGPU could not start'),
    60_000,
  );
  expect(results[0].id).toBe(ids[5]);
  await expect(backend(page)).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('on WebGPU the results equal WASM; a device lost mid-session hands search back to WASM', async ({
  page,
  baseURL,
}) => {
  // The software adapter compiles and runs the model in about a minute before it takes over.
  test.setTimeout(420_000);
  const worker = await openWithWorkerPatch(page, './?gpu=force', () => {
    const request = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, ...args) {
      const device = await request.apply(this, args);
      (self as unknown as { testDevice: GPUDevice }).testDevice = device;
      return device;
    };
  });
  const { ids } = await servedCatalog(page.request, baseURL!);
  const path = catalogPhoto(ids[7]).path;
  const onWasm = await afterSearch(page, () => upload(page, path));
  await expect(backend(page)).toHaveAttribute('data-backend', 'wasm');

  const onGpu = await searchUntil(
    page,
    path,
    async () => (await backend(page).getAttribute('data-backend')) === 'webgpu',
    300_000,
  );
  await expect(backend(page)).toContainText('swiftshader');
  expect(onGpu.map((r) => r.id).slice(0, 10)).toEqual(onWasm.map((r) => r.id).slice(0, 10));
  for (const [rank, result] of onGpu.slice(0, 10).entries()) {
    expect(Math.abs(result.score - onWasm[rank].score), `rank ${rank + 1}`).toBeLessThan(0.005);
  }

  await worker.evaluate(() => (self as unknown as { testDevice: GPUDevice }).testDevice.destroy());
  const other = catalogPhoto(ids[9]).path;
  const afterLoss = await afterSearch(page, () => upload(page, other));
  expect(afterLoss[0].id).toBe(ids[9]);
  await expect(backend(page)).toHaveAttribute('data-backend', 'wasm');
  await expect(backend(page)).toContainText('the GPU device was lost');
  await expect(page.getByTestId('error')).toHaveCount(0);
});
