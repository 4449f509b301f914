import type { Knex } from "knex";

/** The SQL of every statement `db` sends while `work` runs (knex's 'query' event, which kept statements emit too). */
export async function statementsDuring<T>(db: Knex, work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = [];
  const listen = (q: { sql: string }) => sql.push(q.sql);
  db.on("query", listen);
  try {
    return { result: await work(), sql };
  } finally {
    db.off("query", listen);
  }
}
