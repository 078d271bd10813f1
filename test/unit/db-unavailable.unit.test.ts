/**
 * Which errors mean "the database is unreachable" (jobs wait them out, worker/workers.ts) and which
 * are ordinary failures. The outage side is exercised for real against a stopped PostgreSQL in
 * db-outage.integration.test.ts; here, the shapes Prisma documents for its error codes and the pg
 * driver's SQLSTATEs, and the errors that must keep counting as failures.
 */
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../core/db/unavailable.js';

const prismaError = (name: string, code: string, message: string) => Object.assign(new Error(message), { name, code });

describe('isDatabaseUnavailable', () => {
  it('recognises connection loss in Prisma codes, driver-adapter causes and server shutdown states', () => {
    expect(isDatabaseUnavailable(prismaError('PrismaClientKnownRequestError', 'P1001', "Can't reach database server at 127.0.0.1:5432"))).toBe(true);
    expect(isDatabaseUnavailable(prismaError('PrismaClientKnownRequestError', 'P1017', 'Server has closed the connection.'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('init'), { name: 'PrismaClientInitializationError', errorCode: 'P1001' }))).toBe(true);
    const adapter = Object.assign(new Error('driver'), { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: '57P01', originalMessage: 'terminating connection due to administrator command' } });
    expect(isDatabaseUnavailable(adapter)).toBe(true);
    expect(isDatabaseUnavailable(prismaError('PrismaClientUnknownRequestError', '', 'Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(prismaError('PrismaClientKnownRequestError', '', 'the database system is starting up'))).toBe(true);
  });

  it('leaves query errors and other services’ connection errors alone', () => {
    expect(isDatabaseUnavailable(prismaError('PrismaClientKnownRequestError', 'P2002', 'Unique constraint failed on the fields: (`id`)'))).toBe(false);
    expect(isDatabaseUnavailable(prismaError('PrismaClientValidationError', '', 'Argument `take` is invalid'))).toBe(false);
    // A Redis or board socket refusing is not the database.
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable('P1001')).toBe(false);
  });
});
