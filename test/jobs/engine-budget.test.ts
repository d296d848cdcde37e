// Budgets on a real catalog file: counting, day/month boundaries (UTC), and the lower cap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import {
  budgetState,
  callsUsed,
  readBudget,
  reservePaidCall,
  utcDay,
  writeBudget,
} from '../../main/jobs/engine-budget.ts';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-budget-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const jan31 = Date.UTC(2026, 0, 31, 23, 59);

describe(reservePaidCall.name, () => {
  it('counts calls per UTC day and refuses the call past the daily cap until the next day', () => {
    const budget = { perDay: 2 };
    expect(reservePaidCall(db, 'huawei', budget, jan31)).toMatchObject({ exhausted: false });
    expect(reservePaidCall(db, 'huawei', budget, jan31)).toMatchObject({ exhausted: false });
    const refused = reservePaidCall(db, 'huawei', budget, jan31);
    expect(refused).toEqual({
      exhausted: true,
      reason: 'daily budget of 2 calls reached',
      resumesAt: Date.UTC(2026, 1, 1),
    });
    expect(callsUsed(db, 'huawei', jan31)).toEqual({ today: 2, month: 2 });
    // Another engine has its own count; the next day starts at zero, the month anew too.
    expect(callsUsed(db, 'aliyun', jan31)).toEqual({ today: 0, month: 0 });
    expect(callsUsed(db, 'huawei', Date.UTC(2026, 1, 1, 0, 1))).toEqual({ today: 0, month: 0 });
  });

  it('sums the days of a month for the monthly cap', () => {
    const budget = { perMonth: 3 };
    reservePaidCall(db, 'aliyun', budget, Date.UTC(2026, 4, 1));
    reservePaidCall(db, 'aliyun', budget, Date.UTC(2026, 4, 2));
    reservePaidCall(db, 'aliyun', budget, Date.UTC(2026, 4, 31, 12));
    const state = reservePaidCall(db, 'aliyun', budget, Date.UTC(2026, 4, 31, 13));
    expect(state).toMatchObject({ exhausted: true, resumesAt: Date.UTC(2026, 5, 1) });
    expect(callsUsed(db, 'aliyun', Date.UTC(2026, 4, 20))).toEqual({ today: 0, month: 3 });
  });
});

describe(budgetState.name, () => {
  it('reports what is left, the lower of day and month', () => {
    expect(budgetState({ perDay: 10, perMonth: 100 }, { today: 4, month: 97 })).toEqual({
      exhausted: false,
      remaining: 3,
    });
    expect(budgetState({}, { today: 4, month: 97 })).toEqual({
      exhausted: false,
      remaining: Number.POSITIVE_INFINITY,
    });
  });
});

describe(writeBudget.name, () => {
  it('stores, reads back and clears a budget, and refuses a negative one', () => {
    writeBudget(db, 'volcengine', { perDay: 100 });
    expect(readBudget(db, 'volcengine')).toEqual({ perDay: 100 });
    writeBudget(db, 'volcengine', {});
    expect(readBudget(db, 'volcengine')).toEqual({});
    expect(() => {
      writeBudget(db, 'volcengine', { perDay: -1 });
    }).toThrow();
    db.prepare(`INSERT INTO settings (key, value) VALUES ('jobs.budget.aliyun', 'not json')`).run();
    expect(readBudget(db, 'aliyun')).toEqual({});
    expect(utcDay(jan31)).toBe('2026-01-31');
  });
});
