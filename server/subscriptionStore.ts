import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** One stored subscription, as tests and the send route read it. */
export interface SubscriptionRow {
  endpoint: string;
  p256dh: string;
  auth: string;
  expirationTime: number | null;
  /** The identity it was registered under; null when none was given. */
  userId: string | null;
  /** The `options` metadata sent at registration, parsed. */
  options: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** What a registration writes. */
export interface SubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
  expirationTime: number | null;
  userId: string | null;
  options: Record<string, unknown>;
}

/** Whether `upsert` made a new row. */
export type UpsertResult = 'created' | 'updated';

interface RawRow {
  endpoint: string;
  p256dh: string;
  auth: string;
  expiration_time: number | null;
  user_id: string | null;
  options: string;
  created_at: number;
  updated_at: number;
}

/** File name of the database inside the data folder. */
export const databaseFileName = 'push.sqlite';

const schemaVersion = 1;

const migrations: Record<number, string> = {
  1: `
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
    CREATE TABLE subscriptions (
      endpoint TEXT PRIMARY KEY,
      p256dh TEXT NOT NULL,
      auth TEXT NOT NULL,
      expiration_time INTEGER,
      user_id TEXT,
      options TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX subscriptions_by_user ON subscriptions (user_id);
  `,
};

/**
 * The SQLite store of subscriptions and server secrets (VAPID keys, API
 * key). One file in the data folder, WAL mode, schema versioned with
 * `PRAGMA user_version`. Every write is one transaction.
 *
 * Note: `synchronous = NORMAL` (the usual WAL pairing) keeps every commit
 * through a process crash, but a power loss may drop the last few.
 */
export class SubscriptionStore {
  readonly #db: Database.Database;
  readonly #statements: ReturnType<typeof prepareStatements>;
  readonly #upsert: (
    input: SubscriptionInput,
    previous?: string,
  ) => UpsertResult;

  /**
   * Opens (and creates on first use) `push.sqlite` in `dataDir`.
   *
   * Throws when the folder cannot be created or the file is not a
   * database of a schema version this code knows.
   */
  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#db = new Database(join(dataDir, databaseFileName));
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#migrate();
    this.#statements = prepareStatements(this.#db);

    const find = this.#db.prepare<[string], { user_id: string | null }>(
      'SELECT user_id FROM subscriptions WHERE endpoint = ?',
    );
    const insert = this.#db.prepare(
      `INSERT INTO subscriptions (endpoint, p256dh, auth, expiration_time,
         user_id, options, created_at, updated_at)
       VALUES (@endpoint, @p256dh, @auth, @expirationTime, @userId,
         @options, @now, @now)`,
    );
    const update = this.#db.prepare(
      `UPDATE subscriptions SET p256dh = @p256dh, auth = @auth,
         expiration_time = @expirationTime, user_id = @userId,
         options = @options, updated_at = @now
       WHERE endpoint = @endpoint`,
    );
    const dropPrevious = this.#db.prepare(
      `DELETE FROM subscriptions
       WHERE endpoint = ? AND endpoint <> ? AND user_id IS ?`,
    );

    this.#upsert = this.#db.transaction(
      (input: SubscriptionInput, previous?: string): UpsertResult => {
        const row = {
          ...input,
          options: JSON.stringify(input.options),
          now: Date.now(),
        };
        if (previous !== undefined) {
          dropPrevious.run(previous, input.endpoint, input.userId);
        }

        if (find.get(input.endpoint) === undefined) {
          insert.run(row);

          return 'created';
        }
        update.run(row);

        return 'updated';
      },
    );
  }

  #migrate(): void {
    const current = this.#db.pragma('user_version', { simple: true });
    if (typeof current !== 'number' || current > schemaVersion) {
      throw new Error(
        `Database schema version ${String(current)} is newer than this server (${schemaVersion})`,
      );
    }

    for (let version = current + 1; version <= schemaVersion; version++) {
      this.#db.transaction(() => {
        this.#db.exec(migrations[version] ?? '');
        this.#db.pragma(`user_version = ${version}`);
      })();
    }
  }

  /**
   * Inserts or updates the row of `input.endpoint`; in the same
   * transaction deletes `previousEndpoint` when it belongs to the same user.
   */
  upsert(input: SubscriptionInput, previousEndpoint?: string): UpsertResult {
    return this.#upsert(input, previousEndpoint);
  }

  /**
   * Deletes the row of `endpoint`. With `userId` given (a proven
   * identity), only a row of that user is deleted. True when one was.
   */
  remove(endpoint: string, userId?: string): boolean {
    const result =
      userId === undefined
        ? this.#statements.remove.run(endpoint)
        : this.#statements.removeOwn.run(endpoint, userId);

    return result.changes > 0;
  }

  /** Every row, or those of the given users; oldest first. */
  listSubscriptions(filter?: { users?: string[] }): SubscriptionRow[] {
    const users = filter?.users;
    const rows =
      users === undefined
        ? this.#statements.listAll.all()
        : this.#statements.listUsers.all(JSON.stringify(users));

    return rows.map(toRow);
  }

  /** Number of stored subscriptions. */
  countSubscriptions(): number {
    const row = this.#db
      .prepare<[], { count: number }>(
        'SELECT COUNT(*) AS count FROM subscriptions',
      )
      .get();

    return row?.count ?? 0;
  }

  /** A stored secret or setting, or undefined. */
  readMeta(key: string): string | undefined {
    const row = this.#db
      .prepare<[string], { value: string }>(
        'SELECT value FROM meta WHERE key = ?',
      )
      .get(key);

    return row?.value;
  }

  /** Stores several secrets or settings in one transaction. */
  writeMeta(entries: Record<string, string>): void {
    const write = this.#db.prepare(
      `INSERT INTO meta (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    this.#db.transaction(() => {
      for (const [key, value] of Object.entries(entries)) {
        write.run(key, value);
      }
    })();
  }

  /** Closes the database file. */
  close(): void {
    this.#db.close();
  }
}

/** Statements used on every request, prepared once. */
function prepareStatements(db: Database.Database) {
  return {
    remove: db.prepare('DELETE FROM subscriptions WHERE endpoint = ?'),
    removeOwn: db.prepare(
      'DELETE FROM subscriptions WHERE endpoint = ? AND user_id = ?',
    ),
    listAll: db.prepare<[], RawRow>(
      'SELECT * FROM subscriptions ORDER BY created_at, endpoint',
    ),
    listUsers: db.prepare<[string], RawRow>(
      `SELECT * FROM subscriptions
       WHERE user_id IN (SELECT value FROM json_each(?))
       ORDER BY created_at, endpoint`,
    ),
  };
}

function toRow(raw: RawRow): SubscriptionRow {
  return {
    endpoint: raw.endpoint,
    p256dh: raw.p256dh,
    auth: raw.auth,
    expirationTime: raw.expiration_time,
    userId: raw.user_id,
    options: JSON.parse(raw.options) as Record<string, unknown>,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}
