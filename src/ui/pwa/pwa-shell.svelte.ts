/** The installable, offline shell: service worker updates on consent, and the install prompt. */
import { registerSW } from 'virtual:pwa-register';

/** Chromium's install prompt event (not in the DOM typings). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export class PwaShell {
  #needRefresh = $state(false);
  #offlineReady = $state(false);
  #installPrompt = $state.raw<BeforeInstallPromptEvent | null>(null);
  #updateServiceWorker: ((reloadPage?: boolean) => Promise<void>) | null = null;

  /** A new version is waiting for the shopper's consent. */
  get needRefresh() {
    return this.#needRefresh;
  }
  /** The app shell and model are cached: the app now works offline. */
  get offlineReady() {
    return this.#offlineReady;
  }
  readonly canInstall = $derived(this.#installPrompt !== null);

  start(): void {
    window.addEventListener('beforeinstallprompt', (event) => {
      // Keep the browser's mini-infobar away; the header shows an Install button instead.
      event.preventDefault();
      this.#installPrompt = event as BeforeInstallPromptEvent;
    });
    window.addEventListener('appinstalled', () => (this.#installPrompt = null));
    this.#updateServiceWorker = registerSW({
      onNeedRefresh: () => (this.#needRefresh = true),
      onOfflineReady: () => (this.#offlineReady = true),
      onNeedReload: () => this.#reloadOnce(),
      onRegisterError: (error: unknown) => console.warn('Service worker not registered', error),
    });
  }

  /** Activates the waiting service worker; the page reloads into the new version. */
  async update(): Promise<void> {
    this.#needRefresh = false;
    // workbox-window only reloads when the page was controlled at load time; a tab opened before
    // the first install sees the new worker take control here instead.
    navigator.serviceWorker.addEventListener('controllerchange', () => this.#reloadOnce(), {
      once: true,
    });
    await this.#updateServiceWorker?.(true);
  }

  #reloading = false;
  #reloadOnce(): void {
    if (this.#reloading) return;
    this.#reloading = true;
    location.reload();
  }

  dismissUpdate(): void {
    this.#needRefresh = false;
  }

  dismissOfflineReady(): void {
    this.#offlineReady = false;
  }

  async install(): Promise<void> {
    const prompt = this.#installPrompt;
    if (!prompt) return;
    this.#installPrompt = null;
    await prompt.prompt();
    await prompt.userChoice;
  }
}
