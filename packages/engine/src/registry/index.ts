export { applyChainTx } from "./applyRegistryTx.ts";
export {
  type ChainTx,
  chainPayloadProblem,
  chainRoleProblem,
  type Decoded,
  decodeRecordPayload,
  decodeSchemaPayload,
  isChainTx,
  isRegistryTx,
  minFeeOf,
  type RegistryTx,
  workerShardProblem,
} from "./chainTxRules.ts";
export { epochOf, epochStart, phaseOf, seedPhaseStart, sortitionPhaseStart } from "./epochSchedule.ts";
export { genesisRegistryRecords } from "./genesisRegistry.ts";
export type {
  AnchorVerifier,
  ChainRoles,
  EpochProofEntryWithKey,
  ExecutionContext,
  RegistryReader,
  TxFailure,
} from "./interface.ts";
export { defaultMainChainRules, MAIN_CHAIN_ID, type MainChainRules } from "./options.ts";
export { type RegistryAdmissionContext, registryAdmissionProblem } from "./registryAdmission.ts";
export {
  type AnchoredHeaderEntry,
  type AnchorHeadEntry,
  type ChainEntry,
  decodeAnchoredHeaderEntry,
  decodeAnchorHeadEntry,
  decodeChainEntry,
  decodeEpochProofEntry,
  decodeU32Value,
  decodeValidatorEntry,
  type EpochProofEntry,
  encodeAnchoredHeaderEntry,
  encodeAnchorHeadEntry,
  encodeChainEntry,
  encodeEpochProofEntry,
  encodeValidatorEntry,
  type ValidatorEntry,
} from "./registryEntries.ts";
export {
  anchoredHeaderRecordId,
  anchorHeadRecordId,
  chainNameRecordId,
  chainRecordId,
  counterRecordId,
  epochProofPrefix,
  epochProofRecordId,
  NEXT_CHAIN_ID_COUNTER,
  u16be,
  u32be,
  validatorRecordId,
  vrfKeyRecordId,
} from "./registryIds.ts";
export {
  createRegistryReader,
  type RecordList,
  type RecordRead,
  registryReaderOf,
} from "./registryReader.ts";
export { chainTxRecordsTouched } from "./registryTouched.ts";
export {
  decodeSchemaRecordValue,
  encodeSchemaRecordValue,
  type SchemaRecordValue,
  schemaRecordId,
  schemaRecordIdForKey,
} from "./schemaRecords.ts";
export { epochProofWindow } from "./validatorTxs.ts";
