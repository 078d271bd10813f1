-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LeaderboardEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "challengeId" TEXT NOT NULL,
    "split" TEXT NOT NULL,
    "participantKey" TEXT NOT NULL,
    "track" TEXT NOT NULL DEFAULT 'all',
    "personId" TEXT NOT NULL,
    "teamId" TEXT,
    "submissionId" TEXT NOT NULL,
    "score" REAL NOT NULL,
    "rank" INTEGER NOT NULL,
    "submittedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "LeaderboardEntry_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LeaderboardEntry_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LeaderboardEntry_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "LeaderboardEntry_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_LeaderboardEntry" ("challengeId", "id", "participantKey", "personId", "rank", "score", "split", "submissionId", "submittedAt", "teamId", "updatedAt") SELECT "challengeId", "id", "participantKey", "personId", "rank", "score", "split", "submissionId", "submittedAt", "teamId", "updatedAt" FROM "LeaderboardEntry";
DROP TABLE "LeaderboardEntry";
ALTER TABLE "new_LeaderboardEntry" RENAME TO "LeaderboardEntry";
CREATE INDEX "LeaderboardEntry_challengeId_split_track_rank_idx" ON "LeaderboardEntry"("challengeId", "split", "track", "rank");
CREATE UNIQUE INDEX "LeaderboardEntry_challengeId_split_track_participantKey_key" ON "LeaderboardEntry"("challengeId", "split", "track", "participantKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
