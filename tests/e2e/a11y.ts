/** Accessibility checks shared by the app specs. */
import type { Page } from '@playwright/test';

/** Controls a screen reader could not name (visible ones, plus the visually hidden file input). */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.locator('button, input, select, [tabindex="0"]').evaluateAll((controls) =>
    controls
      .filter((el) => (el as HTMLElement).offsetParent !== null || el.matches('[type=file]'))
      .filter((el) => {
        const labelled = el.getAttribute('aria-label') ?? '';
        const byLabel = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
        return !(labelled || byLabel || el.textContent || '').trim();
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}
