/** Picks one variant out of a WAT source that marks variant-specific lines with `;;#if relaxed`. */

export type KernelVariant = 'simd' | 'relaxed';

export class WatVariantError extends Error {
  override name = 'WatVariantError';
}

/**
 * Keeps the lines between `;;#if relaxed` and `;;#else` for 'relaxed', those between `;;#else`
 * and `;;#endif` for 'simd'. Dropped lines become blank so error line numbers still match the file.
 */
export function selectVariant(wat: string, variant: KernelVariant): string {
  let state: 'both' | 'relaxed' | 'simd' = 'both';
  const lines = wat.split('\n').map((line, index) => {
    const directive = line.trim();
    const where = `kernel.wat:${index + 1}`;
    if (directive === ';;#if relaxed') {
      if (state !== 'both') throw new WatVariantError(`${where}: nested ;;#if`);
      state = 'relaxed';
      return '';
    }
    if (directive === ';;#else') {
      if (state !== 'relaxed') throw new WatVariantError(`${where}: ;;#else without ;;#if`);
      state = 'simd';
      return '';
    }
    if (directive === ';;#endif') {
      if (state === 'both') throw new WatVariantError(`${where}: ;;#endif without ;;#if`);
      state = 'both';
      return '';
    }
    if (directive.startsWith(';;#')) throw new WatVariantError(`${where}: unknown ${directive}`);
    return state === 'both' || state === variant ? line : '';
  });
  if (state !== 'both') throw new WatVariantError('kernel.wat: ;;#if without ;;#endif');
  return lines.join('\n');
}
