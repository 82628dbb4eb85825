import { CompiledQuery, PostgresAdapter } from 'kysely';
import { deferStatement, type Db } from './store.js';

/**
 * Plain INSERT statements for the rows every write request adds (an object, its event, the outbox row, the stored
 * response), written as SQL text once per table and column list instead of being built and compiled by the query
 * builder on each request: on a customer create that building was the largest single cost in the server's own CPU.
 * Table and column names come from code, never from a request; values always travel as parameters.
 */
const texts = new Map<string, string>();

/** Insert texts by table and then column by column: found with a map lookup per column, no key string built. */
interface InsertTexts {
  text?: string;
  next: Map<string, InsertTexts>;
}
const insertTexts = { numbered: new Map<string, InsertTexts>(), positional: new Map<string, InsertTexts>() };

/** Placeholders `$1, $2, …` on PostgreSQL, `?, ?, …` on SQLite. */
function insertText(table: string, columns: string[], numbered: boolean): string {
  const tables = numbered ? insertTexts.numbered : insertTexts.positional;
  let node: InsertTexts | undefined = tables.get(table);
  if (node === undefined) tables.set(table, (node = { next: new Map() }));
  for (const column of columns) {
    let child: InsertTexts | undefined = node.next.get(column);
    if (child === undefined) node.next.set(column, (child = { next: new Map() }));
    node = child;
  }
  if (node.text === undefined) {
    const names = columns.map(identifier).join(', ');
    const placeholders = columns.map((_, i) => (numbered ? `$${String(i + 1)}` : '?')).join(', ');
    node.text = `insert into ${identifier(table)} (${names}) values (${placeholders})`;
  }
  return node.text;
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
  const { columns, values } = definedColumns(row);
  return CompiledQuery.raw(insertText(table, columns, isPostgres(db)), values);
}

/** The row's keys and values in key order, leaving out keys whose value is `undefined`. */
function definedColumns(row: Record<string, unknown>): { columns: string[]; values: unknown[] } {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const column in row) {
    const value = row[column];
    if (value === undefined) continue;
    columns.push(column);
    values.push(value);
  }
  return { columns, values };
}

/**
 * `select data from table where merchant_id = … and livemode = … and id = …`, locking the row (`for update`) when
 * asked on PostgreSQL: the read by id behind every retrieve and every read-before-write.
 */
export function findStatement(db: Db, table: string, scope: readonly [string, number], id: string, forUpdate: boolean): CompiledQuery {
  const lock = forUpdate && isPostgres(db) ? ' for update' : '';
  return fixedStatement(db, `select "data" from ${identifier(table)} where "merchant_id" = ? and "livemode" = ? and "id" = ?${lock}`, [
    scope[0],
    scope[1],
    id,
  ]);
}

/**
 * A statement whose text is fixed in code, written with `?` placeholders (never inside a literal): as is on SQLite,
 * with `$1, $2, …` on PostgreSQL (rewritten once per text). For the reads on every request's path, which the query
 * builder would build and compile anew each time.
 */
export function fixedStatement(db: Db, text: string, parameters: readonly unknown[]): CompiledQuery {
  if (!isPostgres(db)) return CompiledQuery.raw(text, [...parameters]);
  let numbered = texts.get(text);
  if (numbered === undefined) {
    let n = 0;
    numbered = text.replace(/\?/g, () => `$${String(++n)}`);
    texts.set(text, numbered);
  }
  return CompiledQuery.raw(numbered, [...parameters]);
}

/**
 * `update table set column = …, … where merchant_id = … and livemode = … and id = …`: the set columns in key order,
 * a key whose value is `undefined` left out (as the query builder does).
 */
export function updateStatement(
  db: Db,
  table: string,
  scope: readonly [string, number],
  id: string,
  set: Record<string, unknown>,
): CompiledQuery {
  const numbered = isPostgres(db);
  const { columns, values } = definedColumns(set);
  const signature = `${numbered ? '$' : '?'}update ${table}(${columns.join(',')})`;
  let text = texts.get(signature);
  if (text === undefined) {
    const p = (i: number) => (numbered ? `$${String(i)}` : '?');
    const assignments = columns.map((c, i) => `${identifier(c)} = ${p(i + 1)}`).join(', ');
    const n = columns.length;
    text = `update ${identifier(table)} set ${assignments} where "merchant_id" = ${p(n + 1)} and "livemode" = ${p(n + 2)} and "id" = ${p(n + 3)}`;
    texts.set(signature, text);
  }
  values.push(scope[0], scope[1], id);
  return CompiledQuery.raw(text, values);
}

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Runs a statement now (`immediate`), or as a deferred write (see `deferWrite`): the default. */
export async function write(db: Db, statement: CompiledQuery, options: { immediate?: boolean } = {}): Promise<void> {
  if (options.immediate) {
    await db.executeQuery(statement);
    return;
  }
  await deferStatement(db, statement);
}
