-- AlterTable
ALTER TABLE "Challenge" ADD COLUMN     "frozenAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Score" ADD COLUMN     "eligible" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "eligible" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "lane" TEXT NOT NULL DEFAULT 'fresh',
ADD COLUMN     "runId" TEXT,
ADD COLUMN     "runVersion" TEXT,
ADD COLUMN     "stage" "StageName";

-- CreateIndex
CREATE INDEX "Submission_challengeId_createdAt_idx" ON "Submission"("challengeId", "createdAt");
