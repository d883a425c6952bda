/** SQL Server takes at most 2,100 parameters a statement: ids and rows go in chunks (16 columns x 100 rows). */
export const CHUNK = 150;

export const ROW_CHUNK = 100;

export const chunks = <T>(items: readonly T[], size = CHUNK) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
