/**
 * The catalog: facts from the outside world, each with its sources. Lookups return `undefined` for
 * an unknown id, so the caller (which knows the file and path) can report it with the list of
 * known ids from the matching `…Ids()` function.
 */
import { GPUS } from "./gpus";
import { MODELS } from "./models";
import { API_PRICES, GPU_RENTAL_PRICES } from "./prices";
import { SERVERS } from "./servers";
import type { ApiPrice, GpuRentalPrice, GpuSpec, ModelSpec, ServerSpec } from "./types";

export * from "./types";
export { THROUGHPUT_CALIBRATION } from "./calibration";
export { GPUS } from "./gpus";
export { MODELS } from "./models";
export { API_PRICES, GPU_RENTAL_PRICES } from "./prices";
export { SERVERS } from "./servers";

/** The newest source date in the catalog: prices and specs are as of this day. */
export const CATALOG_DATE = "2026-11-23";

/** Indexes a list by id once, so lookups stay O(1) and the lists stay the single source. */
function byId<T extends { readonly id: string }>(entries: readonly T[]): ReadonlyMap<string, T> {
  return new Map(entries.map((entry) => [entry.id, entry]));
}

function sortedIds(entries: readonly { readonly id: string }[]): string[] {
  return entries.map((entry) => entry.id).sort();
}

const GPU_BY_ID = byId(GPUS);
const SERVER_BY_ID = byId(SERVERS);
const MODEL_BY_ID = byId(MODELS);
const API_PRICE_BY_ID = byId(API_PRICES);
const GPU_RENTAL_BY_ID = byId(GPU_RENTAL_PRICES);

/** The GPU with this catalog id, or `undefined`. */
export function findGpu(id: string): GpuSpec | undefined {
  return GPU_BY_ID.get(id);
}

/** The server with this catalog id, or `undefined`. */
export function findServer(id: string): ServerSpec | undefined {
  return SERVER_BY_ID.get(id);
}

/** The model with this catalog id, or `undefined`. */
export function findModel(id: string): ModelSpec | undefined {
  return MODEL_BY_ID.get(id);
}

/** The API price with this price-book id, or `undefined`. */
export function findApiPrice(id: string): ApiPrice | undefined {
  return API_PRICE_BY_ID.get(id);
}

/** The GPU rental price with this price-book id, or `undefined`. */
export function findGpuRental(id: string): GpuRentalPrice | undefined {
  return GPU_RENTAL_BY_ID.get(id);
}

/** Known GPU ids, sorted. */
export function gpuIds(): string[] {
  return sortedIds(GPUS);
}

/** Known server ids, sorted. */
export function serverIds(): string[] {
  return sortedIds(SERVERS);
}

/** Known model ids, sorted. */
export function modelIds(): string[] {
  return sortedIds(MODELS);
}

/** Known API price ids, sorted. */
export function apiPriceIds(): string[] {
  return sortedIds(API_PRICES);
}

/** Known GPU rental ids, sorted. */
export function gpuRentalIds(): string[] {
  return sortedIds(GPU_RENTAL_PRICES);
}
