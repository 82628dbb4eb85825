import { CompiledQuery, PostgresAdapter } from 'kysely';
import { deferWrite, type Db } from './store.js';

/**
 * Plain INSERT statements for the rows every write request adds (an object, its event, the outbox row, the stored
 * response), written as SQL text once per table and column list instead of being built and compiled by the query
 * builder on each request: on a customer create that building was the largest single cost in the server's own CPU.
 * Table and column names come from code, never from a request; values always travel as parameters.
 */
const texts = new Map<string, string>();

/** Placeholders `$1, $2, …` on PostgreSQL, `?, ?, …` on SQLite. */
function insertText(table: string, columns: string[], numbered: boolean): string {
  const signature = `${numbered ? '$' : '?'}${table}(${columns.join(',')})`;
  let text = texts.get(signature);
  if (text === undefined) {
    const names = columns.map(identifier).join(', ');
    const placeholders = columns.map((_, i) => (numbered ? `$${String(i + 1)}` : '?')).join(', ');
    text = `insert into ${identifier(table)} (${names}) values (${placeholders})`;
    texts.set(signature, text);
  }
  return text;
}

function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * `insert into table (columns of row) values (…)`, with the row's values as parameters, in key order; a key whose
 * value is `undefined` is left out (the column takes its default), as the query builder does.
 */
export function insertStatement(db: Db, table: string, row: Record<string, unknown>): CompiledQuery {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const column in row) {
    const value = row[column];
    if (value === undefined) continue;
    columns.push(column);
    values.push(value);
  }
  return CompiledQuery.raw(insertText(table, columns, db.getExecutor().adapter instanceof PostgresAdapter), values);
}

/** Runs a statement now (`immediate`), or as a deferred write (see `deferWrite`): the default. */
export async function write(db: Db, statement: CompiledQuery, options: { immediate?: boolean } = {}): Promise<void> {
  if (options.immediate) {
    await db.executeQuery(statement);
    return;
  }
  await deferWrite(db, { compile: () => statement, execute: () => db.executeQuery(statement) });
}
