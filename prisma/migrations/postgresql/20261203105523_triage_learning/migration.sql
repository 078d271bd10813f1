-- AlterTable
ALTER TABLE "ForumTopic" ADD COLUMN     "authorPostCount" INTEGER,
ADD COLUMN     "authorTrustLevel" INTEGER;

-- AlterTable
ALTER TABLE "TriageDecision" ADD COLUMN     "evidence" JSONB,
ADD COLUMN     "kindConfidence" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "TriageExample" (
    "id" TEXT NOT NULL,
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
    "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TriageExample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TriageModel" (
    "id" TEXT NOT NULL,
    "featureVersion" INTEGER NOT NULL,
    "corpusExamples" INTEGER NOT NULL,
    "moderatorExamples" INTEGER NOT NULL,
    "lastExampleAt" TIMESTAMP(3),
    "model" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TriageModel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TriageExample_decisionId_key" ON "TriageExample"("decisionId");

-- CreateIndex
CREATE INDEX "TriageExample_createdAt_idx" ON "TriageExample"("createdAt");

-- CreateIndex
CREATE INDEX "TriageModel_createdAt_idx" ON "TriageModel"("createdAt");
