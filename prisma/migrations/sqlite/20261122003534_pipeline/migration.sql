-- AlterTable
ALTER TABLE "Challenge" ADD COLUMN "frozenAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Score" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "submissionId" TEXT NOT NULL,
    "split" TEXT NOT NULL,
    "evaluatorVersion" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" REAL NOT NULL,
    "composite" REAL NOT NULL,
    "eligible" BOOLEAN NOT NULL DEFAULT false,
    "detail" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Score_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Score" ("composite", "createdAt", "detail", "evaluatorVersion", "id", "metric", "split", "submissionId", "value") SELECT "composite", "createdAt", "detail", "evaluatorVersion", "id", "metric", "split", "submissionId", "value" FROM "Score";
DROP TABLE "Score";
ALTER TABLE "new_Score" RENAME TO "Score";
CREATE UNIQUE INDEX "Score_submissionId_split_evaluatorVersion_key" ON "Score"("submissionId", "split", "evaluatorVersion");
CREATE TABLE "new_Submission" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "challengeId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "teamId" TEXT,
    "blobSha256" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "note" TEXT,
    "source" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "stateReason" TEXT,
    "quotaCharged" BOOLEAN NOT NULL DEFAULT true,
    "isFinal" BOOLEAN NOT NULL DEFAULT false,
    "disqualifiedAt" DATETIME,
    "disqualifyReason" TEXT,
    "evaluatorVersion" TEXT,
    "stage" TEXT,
    "runVersion" TEXT,
    "runId" TEXT,
    "lane" TEXT NOT NULL DEFAULT 'fresh',
    "eligible" BOOLEAN NOT NULL DEFAULT false,
    "publicScore" REAL,
    "privateScore" REAL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "Submission_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Submission_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Submission_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Submission_blobSha256_fkey" FOREIGN KEY ("blobSha256") REFERENCES "Blob" ("sha256") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Submission" ("blobSha256", "challengeId", "createdAt", "disqualifiedAt", "disqualifyReason", "evaluatorVersion", "fileName", "finishedAt", "id", "isFinal", "kind", "note", "personId", "privateScore", "publicScore", "quotaCharged", "source", "startedAt", "state", "stateReason", "teamId", "updatedAt") SELECT "blobSha256", "challengeId", "createdAt", "disqualifiedAt", "disqualifyReason", "evaluatorVersion", "fileName", "finishedAt", "id", "isFinal", "kind", "note", "personId", "privateScore", "publicScore", "quotaCharged", "source", "startedAt", "state", "stateReason", "teamId", "updatedAt" FROM "Submission";
DROP TABLE "Submission";
ALTER TABLE "new_Submission" RENAME TO "Submission";
CREATE INDEX "Submission_challengeId_state_idx" ON "Submission"("challengeId", "state");
CREATE INDEX "Submission_personId_createdAt_idx" ON "Submission"("personId", "createdAt");
CREATE INDEX "Submission_state_updatedAt_idx" ON "Submission"("state", "updatedAt");
CREATE INDEX "Submission_challengeId_createdAt_idx" ON "Submission"("challengeId", "createdAt");
CREATE UNIQUE INDEX "Submission_challengeId_personId_blobSha256_key" ON "Submission"("challengeId", "personId", "blobSha256");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
