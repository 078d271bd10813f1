#!/bin/sh
# Stand-in for Prisma's native schema-engine binary, which cannot be downloaded offline.
# TinyArena applies and creates migrations with the WebAssembly schema engine (core/db/migrate.ts):
#   npx tinyarena migrate            apply pending migrations
#   npm run db:migration -- <name>   create a migration for every provider
echo "TinyArena: the native Prisma schema engine is not used here; run 'npx tinyarena migrate' or 'npm run db:migration -- <name>' instead." >&2
exit 1
