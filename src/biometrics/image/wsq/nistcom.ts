/**
 * NISTCOM: the NIST comment convention inside WSQ COM segments. The text starts "NIST_COM n"
 * and carries one "KEY value" pair a line (PIX_WIDTH, PIX_HEIGHT, PPI, LOSSY, …).
 */

export function parseNistcom(text: string): Map<string, string> | undefined {
  if (!text.startsWith('NIST_COM')) return undefined;
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.replace(/\0+$/, '').trim();
    if (trimmed === '') continue;
    const space = trimmed.indexOf(' ');
    if (space < 0) fields.set(trimmed, '');
    else fields.set(trimmed.slice(0, space), trimmed.slice(space + 1).trim());
  }
  return fields;
}

export function formatNistcom(fields: ReadonlyArray<readonly [string, string]>): string {
  const lines = [`NIST_COM ${fields.length + 1}`, ...fields.map(([k, v]) => `${k} ${v}`)];
  return lines.join('\n');
}
