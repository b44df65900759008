import { SingleThreadVerifier, VerifyPool } from "../src/index.ts";
import { describeVerifierSuite } from "./verifierSuite.ts";

describeVerifierSuite("SingleThreadVerifier", async () => new SingleThreadVerifier());
describeVerifierSuite("VerifyPool (2 threads)", () => VerifyPool.create({ threads: 2 }));
// Small jobs and buffer: every request is cut into many jobs and buffers fill up at once.
describeVerifierSuite("VerifyPool (small jobs)", () =>
  VerifyPool.create({ threads: 2, maxSetsPerJob: 7, minSetsPerJob: 2, maxBufferedSets: 3 }),
);
