-- DropIndex
DROP INDEX "LeaderboardEntry_challengeId_split_participantKey_key";

-- DropIndex
DROP INDEX "LeaderboardEntry_challengeId_split_rank_idx";

-- AlterTable
ALTER TABLE "LeaderboardEntry" ADD COLUMN     "track" TEXT NOT NULL DEFAULT 'all';

-- CreateIndex
CREATE INDEX "LeaderboardEntry_challengeId_split_track_rank_idx" ON "LeaderboardEntry"("challengeId", "split", "track", "rank");

-- CreateIndex
CREATE UNIQUE INDEX "LeaderboardEntry_challengeId_split_track_participantKey_key" ON "LeaderboardEntry"("challengeId", "split", "track", "participantKey");
