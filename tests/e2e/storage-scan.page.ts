/**
 * Runs in the app's page (bundled by reliability-privacy.spec.ts): reads everything the origin
 * stores - IndexedDB, Cache Storage, OPFS, web storage - and reports where a photo's bytes, text
 * or sizes turn up.
 */

export interface PhotoNeedles {
  /** Byte strings to look for in every stored Blob and buffer. */
  bytes: number[][];
  /** Substrings to look for in every stored string (the base64 a data: URL would hold). */
  text: string[];
  /** Sizes no stored Blob or buffer may have: the file, its RGBA pixels, the model input. */
  sizes: number[];
}

export interface StorageScan {
  found: string[];
  databases: string[];
  records: number;
  caches: string[];
  responses: number;
  opfsFiles: number;
  webStorageKeys: number;
  bytesScanned: number;
}

/** What the bundle puts on the page's global object. */
export interface StorageScanGlobal {
  scanStorage(needles: PhotoNeedles): Promise<StorageScan>;
}

function hasBytes(data: Uint8Array, needle: number[]): boolean {
  for (let i = data.indexOf(needle[0]); i >= 0; i = data.indexOf(needle[0], i + 1)) {
    let j = 1;
    while (j < needle.length && data[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

/** Looks into one stored value (strings, Blobs, buffers, and what objects and maps hold). */
class Visitor {
  constructor(
    readonly needles: PhotoNeedles,
    readonly scan: StorageScan,
  ) {}

  async visit(where: string, value: unknown, depth = 0): Promise<void> {
    if (depth > 8 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (this.needles.text.some((t) => value.includes(t)))
        this.scan.found.push(`${where}: photo text`);
    } else if (value instanceof Blob) {
      this.#checkBytes(where, new Uint8Array(await value.arrayBuffer()), value.type || 'Blob');
    } else if (value instanceof ArrayBuffer) {
      this.#checkBytes(where, new Uint8Array(value));
    } else if (ArrayBuffer.isView(value)) {
      this.#checkBytes(where, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    } else if (value instanceof Map) {
      for (const [k, v] of value) await this.visit(`${where}[${String(k)}]`, v, depth + 1);
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) await this.visit(`${where}.${k}`, v, depth + 1);
    }
  }

  #checkBytes(where: string, data: Uint8Array, type = ''): void {
    this.scan.bytesScanned += data.byteLength;
    if (this.needles.sizes.includes(data.byteLength)) {
      this.scan.found.push(`${where}: ${type || 'bytes'} of ${data.byteLength} bytes`);
    }
    if (this.needles.bytes.some((needle) => hasBytes(data, needle))) {
      this.scan.found.push(`${where}: the photo's bytes`);
    }
  }
}

/** Every IndexedDB database, every store, every record (keys too). */
async function scanIndexedDb(visitor: Visitor): Promise<void> {
  const { scan } = visitor;
  for (const info of await indexedDB.databases()) {
    const name = info.name!;
    scan.databases.push(name);
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => done(open.result);
      open.onerror = () => fail(open.error);
    });
    for (const store of Array.from(db.objectStoreNames)) {
      const [keys, values] = await new Promise<[IDBValidKey[], unknown[]]>((done, fail) => {
        const tx = db.transaction(store);
        const keys = tx.objectStore(store).getAllKeys();
        const values = tx.objectStore(store).getAll();
        tx.oncomplete = () => done([keys.result, values.result]);
        tx.onerror = () => fail(tx.error);
      });
      for (let i = 0; i < values.length; i++) {
        scan.records++;
        await visitor.visit(`indexedDB ${name}/${store}/${String(keys[i])}`, [keys[i], values[i]]);
      }
    }
    db.close();
  }
}

/** Every Cache Storage cache, every request URL and response body. */
async function scanCaches(visitor: Visitor): Promise<void> {
  for (const name of await caches.keys()) {
    visitor.scan.caches.push(name);
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      visitor.scan.responses++;
      await visitor.visit(`cache ${name} ${request.url}`, request.url);
      if (response) await visitor.visit(`cache ${name} ${request.url}`, await response.blob());
    }
  }
}

/** The origin private file system, every folder. */
async function scanOpfs(
  visitor: Visitor,
  dir: FileSystemDirectoryHandle,
  path = '',
): Promise<void> {
  const entries = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
  for await (const handle of entries) {
    const where = `opfs ${path}/${handle.name}`;
    if (handle.kind === 'directory') {
      await scanOpfs(visitor, handle as FileSystemDirectoryHandle, where);
    } else {
      visitor.scan.opfsFiles++;
      await visitor.visit(where, await (handle as FileSystemFileHandle).getFile());
    }
  }
}

/** localStorage and sessionStorage, keys and values. */
async function scanWebStorage(visitor: Visitor): Promise<void> {
  for (const [label, storage] of [
    ['localStorage', localStorage],
    ['sessionStorage', sessionStorage],
  ] as const) {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i)!;
      visitor.scan.webStorageKeys++;
      await visitor.visit(`${label} ${key}`, [key, storage.getItem(key)]);
    }
  }
}

async function scanStorage(needles: PhotoNeedles): Promise<StorageScan> {
  const scan: StorageScan = {
    found: [],
    databases: [],
    records: 0,
    caches: [],
    responses: 0,
    opfsFiles: 0,
    webStorageKeys: 0,
    bytesScanned: 0,
  };
  const visitor = new Visitor(needles, scan);
  await scanIndexedDb(visitor);
  await scanCaches(visitor);
  await scanOpfs(visitor, await navigator.storage.getDirectory());
  await scanWebStorage(visitor);
  return scan;
}

(globalThis as unknown as StorageScanGlobal).scanStorage = scanStorage;
