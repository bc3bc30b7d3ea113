/** How Prisma stores DateTime in SQLite: ISO text with an explicit offset (compared as text in SQL). */
export const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");
