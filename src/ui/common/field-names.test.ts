import { describe, expect, it } from 'vitest';
import { fieldTitle, fieldValue } from './field-names.ts';

describe('field names', () => {
  it('names known fields for shoppers and keeps others readable', () => {
    expect(fieldTitle('label')).toBe('Type');
    expect(fieldTitle('kids')).toBe('For');
    expect(fieldTitle('fabric_type')).toBe('fabric type');
  });

  it('reads the kids flag as who the garment is for, other values as they are', () => {
    expect(fieldValue('kids', 'True')).toBe('Kids');
    expect(fieldValue('kids', 'False')).toBe('Adults');
    expect(fieldValue('kids', 'maybe')).toBe('maybe');
    expect(fieldValue('label', 'True')).toBe('True');
  });
});
