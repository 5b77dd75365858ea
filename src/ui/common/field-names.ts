/** How catalog fields and their values read to a shopper (raw names are the build's column names). */

const fieldTitles: Record<string, string> = { label: 'Type', colour: 'Colour', kids: 'For' };
const kidsValues: Record<string, string> = { true: 'Kids', false: 'Adults' };

export function fieldTitle(field: string): string {
  return fieldTitles[field] ?? field.replace(/_/g, ' ');
}

export function fieldValue(field: string, value: string): string {
  return (field === 'kids' && kidsValues[value.toLowerCase()]) || value;
}
