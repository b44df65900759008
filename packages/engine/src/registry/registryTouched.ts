import { RecordNamespace, type RecordRef, TxKind } from "@vshard/types";
import type { PreparedTx } from "../execution/executeTxs.ts";
import type { ChainTx } from "./chainTxRules.ts";
import { decodeSchemaPayload } from "./chainTxRules.ts";
import {
  anchoredHeaderRecordId,
  anchorHeadRecordId,
  chainNameRecordId,
  chainRecordId,
  counterRecordId,
  epochProofRecordId,
  NEXT_CHAIN_ID_COUNTER,
  validatorRecordId,
  vrfKeyRecordId,
} from "./registryIds.ts";

/**
 * The records a registry or record tx may read (for `touchedRecords`): a register-validator its Validator record and
 * its VRF key's owner; a register-chain the chain id counter and its name (when its schema decodes: otherwise it
 * fails without reading the name); an update-chain its Chain; an anchor the header's Chain, the AnchoredHeader at its
 * height (is it anchored already?) and the shard's AnchorHead (raised to the highest height anchored); an epoch proof
 * the sender's Validator record and the proof's own record. A record tx reads nothing: it writes its record whatever
 * was there.
 */
export function chainTxRecordsTouched(t: PreparedTx): RecordRef[] {
  const tx = t.stx.tx as ChainTx;
  switch (tx.kind) {
    case TxKind.RegisterValidator:
      return [
        { namespace: RecordNamespace.Validator, id: validatorRecordId(tx.sender) },
        { namespace: RecordNamespace.VrfKey, id: vrfKeyRecordId(tx.payload.vrfPublicKey) },
      ];
    case TxKind.RegisterChain: {
      const refs: RecordRef[] = [
        { namespace: RecordNamespace.Counter, id: counterRecordId(NEXT_CHAIN_ID_COUNTER) },
      ];
      const decoded = decodeSchemaPayload(tx.payload.schema);
      if ("value" in decoded)
        refs.push({ namespace: RecordNamespace.ChainName, id: chainNameRecordId(decoded.value.name) });
      return refs;
    }
    case TxKind.UpdateChain:
      return [{ namespace: RecordNamespace.Chain, id: chainRecordId(tx.payload.chainId) }];
    case TxKind.Anchor: {
      const { chainId, shard, height } = tx.payload.header;
      return [
        { namespace: RecordNamespace.Chain, id: chainRecordId(chainId) },
        { namespace: RecordNamespace.AnchoredHeader, id: anchoredHeaderRecordId(chainId, shard, height) },
        { namespace: RecordNamespace.AnchorHead, id: anchorHeadRecordId(chainId, shard) },
      ];
    }
    case TxKind.EpochProof: {
      const { epoch, purpose } = tx.payload;
      return [
        { namespace: RecordNamespace.Validator, id: validatorRecordId(tx.sender) },
        { namespace: RecordNamespace.EpochProof, id: epochProofRecordId(epoch, purpose, tx.sender) },
      ];
    }
    case TxKind.Record:
      return [];
  }
}
