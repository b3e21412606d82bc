import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

/** The credit ledger other modules change balances through; `api.ledger` is the one instance they all share. */
export interface LedgerApi {
  ledger: LedgerService;
}

/**
 * The credit ledger: no routes of its own (merchants read it through billing, the console
 * through admin-users); membership, payments, credits, admin-users and the tasks get its
 * one `LedgerService` from the composition root.
 */
export function createLedgerModule(ctx: AppContext): Module<LedgerApi> {
  return { name: 'ledger', api: { ledger: new LedgerService(ctx.db, new LedgerRepository()) } };
}
