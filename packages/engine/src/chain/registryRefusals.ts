import { TxError } from "../errors.ts";
import type { AccountMap, PreparedTx } from "../execution/executeTxs.ts";
import { RecordState } from "../execution/recordState.ts";
import { touchedRecords } from "../execution/touchedRecords.ts";
import { isRegistryTx, type RegistryTx } from "../registry/chainTxRules.ts";
import { registryAdmissionProblem } from "../registry/registryAdmission.ts";
import type { StateLoaders } from "./assembleBlock.ts";
import type { ChainOptions } from "./chainOptions.ts";

/**
 * On the main chain (`opts.main`), the registry txs among `txs` that the committed registry refuses
 * (`registryAdmissionProblem`), with the `TxError` execution would give; `accounts` holds their senders' committed
 * accounts. The head height is read before the records: a commit in between only makes the records newer, and a
 * refusal made here, once true, stays true (the ones an earlier pending tx of the sender may lift are not made).
 */
export async function registryRefusals(
  txs: PreparedTx[],
  accounts: AccountMap,
  opts: Pick<ChainOptions, "main">,
  modules: { headHeight: () => number; loadRecords: StateLoaders["loadRecords"] },
): Promise<Map<PreparedTx, TxError>> {
  const refused = new Map<PreparedTx, TxError>();
  const { main } = opts;
  const registry = main ? txs.filter((t) => isRegistryTx(t.stx.tx)) : [];
  if (!main || registry.length === 0) return refused;
  const nextHeight = modules.headHeight() + 1;
  const records = new RecordState(await modules.loadRecords(touchedRecords(registry)));
  for (const t of registry) {
    const afterPendingTxs = t.stx.tx.nonce > (accounts.get(t.senderHex)?.nonce ?? 0);
    const at = { main, nextHeight, afterPendingTxs };
    const failure = registryAdmissionProblem(t.stx.tx as RegistryTx, records, at);
    if (failure !== null)
      refused.set(t, new TxError({ code: failure.code, txHash: t.hashHex }, failure.message));
  }
  return refused;
}
