/**
 * Property tests run with a fixed seed, so CI is repeatable; set FC_SEED to explore other seeds
 * locally (a failure prints the seed and path to replay it).
 */
import fc from "fast-check";

fc.configureGlobal({ seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261123, numRuns: 200 });
