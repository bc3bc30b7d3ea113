-- AlterTable
ALTER TABLE "Project" ADD COLUMN "apiSlug" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_EmbedSettings" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "allowedOrigins" TEXT NOT NULL DEFAULT '[]',
    "theme" TEXT NOT NULL DEFAULT '{}',
    "logInputs" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EmbedSettings_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Existing rows (if any) get a random 24-hex-digit slug and stay disabled.
INSERT INTO "new_EmbedSettings" ("allowedOrigins", "id", "logInputs", "projectId", "theme", "updatedAt", "slug") SELECT "allowedOrigins", "id", "logInputs", "projectId", "theme", "updatedAt", lower(hex(randomblob(12))) FROM "EmbedSettings";
DROP TABLE "EmbedSettings";
ALTER TABLE "new_EmbedSettings" RENAME TO "EmbedSettings";
CREATE UNIQUE INDEX "EmbedSettings_projectId_key" ON "EmbedSettings"("projectId");
CREATE UNIQUE INDEX "EmbedSettings_slug_key" ON "EmbedSettings"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Project_apiSlug_key" ON "Project"("apiSlug");

