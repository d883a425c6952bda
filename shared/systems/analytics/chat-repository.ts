import { sql, type Insertable, type Kysely, type Selectable } from "kysely";
import { isUniqueViolation } from "../../foundation/sql/database.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import type { Vocabulary } from "./chat-intents.js";
import type { ChatMessagesTable, ChatRoomsTable, ChatTables } from "./chat-tables.js";

export type RoomRow = Selectable<ChatRoomsTable>;
export type MessageRow = Selectable<ChatMessagesTable>;

/** Chat rooms and their messages; every query names the owning user, so rooms never leak. */
export class ChatRepository {
  readonly #db: Kysely<ChatTables>;

  constructor(db: Kysely<ChatTables>) {
    this.#db = db;
  }

  async insertRoom(row: Insertable<ChatRoomsTable>): Promise<void> {
    await this.#db.insertInto("chat_rooms").values(row).execute();
  }

  findRoom(userId: string, roomId: string): Promise<RoomRow | undefined> {
    return this.#db
      .selectFrom("chat_rooms")
      .selectAll()
      .where("room_id", "=", roomId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
  }

  async pageRooms(userId: string, page: number, pageSize: number): Promise<{ rows: RoomRow[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.#db
        .selectFrom("chat_rooms")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("updated_at", "desc")
        .orderBy("room_id")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      this.#db
        .selectFrom("chat_rooms")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("user_id", "=", userId)
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /** False when the room is not the user's. */
  async updateRoom(
    userId: string,
    roomId: string,
    changes: { title?: string; context_json?: string | null; updated_at: string },
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable("chat_rooms")
      .set(changes)
      .where("room_id", "=", roomId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Deletes the room and its messages together; false when the room is not the user's. */
  async deleteRoom(userId: string, roomId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom("chat_rooms")
        .where("room_id", "=", roomId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await trx.deleteFrom("chat_messages").where("room_id", "=", roomId).execute();
      return true;
    });
  }

  async clearMessages(roomId: string): Promise<number> {
    const result = await this.#db.deleteFrom("chat_messages").where("room_id", "=", roomId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  findMessage(roomId: string, messageId: string): Promise<MessageRow | undefined> {
    return this.#db
      .selectFrom("chat_messages")
      .selectAll()
      .where("room_id", "=", roomId)
      .where("message_id", "=", messageId)
      .executeTakeFirst();
  }

  async pageMessages(roomId: string, page: number, pageSize: number): Promise<{ rows: MessageRow[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.#db
        .selectFrom("chat_messages")
        .selectAll()
        .where("room_id", "=", roomId)
        .orderBy("seq")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      this.#db
        .selectFrom("chat_messages")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("room_id", "=", roomId)
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /**
   * Appends messages after the room's last one. Two questions racing in one room both get
   * a place: the unique (room, seq) index refuses the loser, which takes the next number.
   */
  async appendMessages(roomId: string, messages: readonly Omit<Insertable<ChatMessagesTable>, "seq">[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#db.transaction().execute(async (trx) => {
          const last = await trx
            .selectFrom("chat_messages")
            .select((eb) => eb.fn.max<number>("seq").as("seq"))
            .where("room_id", "=", roomId)
            .executeTakeFirst();
          let seq = Number(last?.seq ?? 0);
          for (const message of messages) {
            seq += 1;
            await trx
              .insertInto("chat_messages")
              .values({ ...message, seq })
              .execute();
          }
        });
        return;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }
}

/** What the chat can recognise: each dimension's largest values by spend, the fiscal years, the latest period. */
export async function readVocabulary(
  db: Kysely<AnalyticsTables>,
  dimensions: readonly Dimension[],
  perDimension: number,
): Promise<Vocabulary> {
  const values: { dimension: Dimension; value: string }[] = [];
  for (const dimension of dimensions) {
    const rows = await db
      .selectFrom("finance_expense")
      .select((eb) => [eb.ref(dimension).as("value"), eb.fn.sum<number>(sql`abs(amount_minor)`).as("spend")])
      .where(dimension, "is not", null)
      .groupBy(dimension)
      .orderBy("spend", "desc")
      .limit(perDimension)
      .execute();
    for (const row of rows) if (row.value) values.push({ dimension, value: String(row.value) });
  }
  const years = await db
    .selectFrom("finance_expense")
    .select("general_ledger_fiscal_year as year")
    .distinct()
    .orderBy("general_ledger_fiscal_year")
    .execute();
  const latest = await db
    .selectFrom("finance_expense")
    .select(["general_ledger_fiscal_year as year", "posting_period as period"])
    .where("posting_period", "<=", 12)
    .orderBy("general_ledger_fiscal_year", "desc")
    .orderBy("posting_period", "desc")
    .limit(1)
    .executeTakeFirst();
  return {
    values,
    fiscalYears: years.map((y) => Number(y.year)),
    ...(latest
      ? {
          latestPeriod: {
            fiscalYear: Number(latest.year),
            periodFrom: Number(latest.period),
            periodTo: Number(latest.period),
          },
        }
      : {}),
  };
}
