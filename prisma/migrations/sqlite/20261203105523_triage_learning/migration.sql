-- AlterTable
ALTER TABLE "ForumTopic" ADD COLUMN "authorPostCount" INTEGER;
ALTER TABLE "ForumTopic" ADD COLUMN "authorTrustLevel" INTEGER;

-- AlterTable
ALTER TABLE "TriageDecision" ADD COLUMN "evidence" JSONB;
ALTER TABLE "TriageDecision" ADD COLUMN "kindConfidence" REAL;

-- CreateTable
CREATE TABLE "TriageExample" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "decisionId" TEXT,
    "topicId" INTEGER,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "meta" JSONB,
    "kind" TEXT NOT NULL,
    "negative" BOOLEAN NOT NULL DEFAULT false,
    "proposedKind" TEXT,
    "courseSection" TEXT,
    "weight" REAL NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "TriageModel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "featureVersion" INTEGER NOT NULL,
    "corpusExamples" INTEGER NOT NULL,
    "moderatorExamples" INTEGER NOT NULL,
    "lastExampleAt" DATETIME,
    "model" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "TriageExample_decisionId_key" ON "TriageExample"("decisionId");

-- CreateIndex
CREATE INDEX "TriageExample_createdAt_idx" ON "TriageExample"("createdAt");

-- CreateIndex
CREATE INDEX "TriageModel_createdAt_idx" ON "TriageModel"("createdAt");
