export {
  assignmentFromJson,
  assignmentToJson,
  type CommitteeAssignmentJson,
  type ExcludedValidatorJson,
  type ShardSortitionJson,
  type SortitionMemberJson,
} from "./assignmentJson.ts";
export {
  type AssignCommitteesInput,
  assignCommittees,
  COMMITTEE_DOMAIN,
  type CommitteeAssignment,
  committeeAlpha,
  type ExcludedValidator,
  type ExclusionReason,
  proveSortition,
  type ShardSortition,
  SortitionError,
  type SortitionErrorCode,
  type SortitionMember,
  VALIDATOR_ID_LENGTH,
  type ValidatorVrfProof,
  WITNESS_TAG,
  witnessScore,
} from "./committeeSelection.ts";
export {
  type CommitteeSizeSearchInput,
  type SafeCommitteeSize,
  smallestSafeCommitteeSize,
} from "./committeeSizeSearch.ts";
export {
  EPOCH_SEED_DOMAIN,
  EPOCH_SEED_LENGTH,
  EpochSeedError,
  type EpochSeedErrorCode,
  epochSeed,
  epochSeedAlpha,
  GENESIS_SEED_DOMAIN,
  genesisSeed,
  type ProducerVrfOutput,
  proveEpochSeed,
} from "./epochSeed.ts";
export {
  type EpochCommittees,
  type EpochSeedRecord,
  EpochTracker,
  firstEpochIncluding,
  type SeedContribution,
  shardsAddedBefore,
} from "./epochTracker.ts";
export type { ExactProbability } from "./hypergeometric.ts";
export {
  EXACT_SHARD_WORK_LIMIT,
  type ShardTakeoverCounts,
  shardTakeoverExact,
  shardTakeoverExactWork,
} from "./shardTakeoverExact.ts";
export {
  committeeTakeoverExact,
  committeeTakeoverProbability,
  type ShardTakeoverBound,
  shardTakeoverBound,
} from "./takeoverBound.ts";
export { TakeoverBoundError, type TakeoverBoundErrorCode, type TakeoverField } from "./takeoverBoundError.ts";
export {
  type ByzantineInput,
  byzantineCount,
  type CommitteeTakeoverInput,
  MAX_TAKEOVER_VALIDATORS,
  type ShardTakeoverInput,
  takeoverThreshold,
} from "./takeoverInput.ts";
export {
  type AssignmentCheck,
  type AssignmentExpectations,
  MAX_REPORTED_DIFFERENCES,
  publishedValidators,
  verifyAssignment,
} from "./verifyAssignment.ts";
