/**
 * Price books: hosted-model API prices (USD per million tokens) and on-demand GPU rental prices
 * (USD per GPU-hour), the two alternatives an on-prem AI factory is compared against.
 *
 * API prices are the standard tier for prompts within the base context tier (<=200k or <=272k
 * tokens); batch discounts and long-context surcharges are the calculator's business, not the
 * price book's. Rental prices are on-demand list prices; multi-GPU instances are divided by their
 * GPU count, so the per-GPU figure carries that instance's CPUs, RAM and network.
 */
import type { ApiPrice, GpuRentalPrice, Source } from "./types";

/** The day the figures without a date of their own were read for this catalog. */
const READ = "2026-11-23";

// ---------------------------------------------------------------------------------------------
// API prices
// ---------------------------------------------------------------------------------------------

const NO_CACHE_WRITE_CHARGE =
  "No separate cache-write charge: cacheWrite is set to the input price (caching is automatic and written prompts bill as input).";

const GITHUB_COPILOT_PRICES: Source = {
  url: "https://github.com/github/docs/blob/main/data/tables/copilot/models-and-pricing.yml",
  date: READ,
  note: "Per-token prices of the models offered in GitHub Copilot, transcribed from the providers' API price lists.",
};

const ANTHROPIC_PRICING: Source = {
  url: "https://platform.claude.com/docs/en/docs/about-claude/pricing",
  date: READ,
  note:
    "cacheWrite is the 5-minute cache write (1.25x input); the 1-hour write is 2x input. Cache reads are 0.1x input " +
    "unless the note says otherwise. Batch API: 50% off input and output.",
};

const GEMINI_PRICING: Source = {
  url: "https://ai.google.dev/gemini-api/docs/pricing",
  date: "2026-09-20",
  note:
    "Standard tier, prompts <=200k tokens, as transcribed in api-evangelist/gemini plans/gemini-plans-pricing.yml (2026-09-20). " +
    "Output includes thinking tokens. Context-cache storage is billed per hour on top; there is no per-token cache-write " +
    "charge, so cacheWrite is set to the input price.",
};

/** Hosted-model API prices, by price-book id. */
export const API_PRICES: readonly ApiPrice[] = [
  {
    id: "claude-haiku-4.5",
    provider: "Anthropic",
    model: "Claude Haiku 4.5",
    usdPerMillion: { input: 1.0, cachedInput: 0.1, cacheWrite: 1.25, output: 5.0 },
    sources: [ANTHROPIC_PRICING],
  },
  {
    id: "claude-opus-4.5",
    provider: "Anthropic",
    model: "Claude Opus 4.5",
    usdPerMillion: { input: 5.0, cachedInput: 0.5, cacheWrite: 6.25, output: 25.0 },
    sources: [
      ANTHROPIC_PRICING,
      {
        url: "https://platform.claude.com/docs/zh-TW/models/opus-4-5/overview",
        date: READ,
        note: "Legacy model, released 2025-11-24, retirement not sooner than 2026-11-24: $5 / $25, 5m cache write $6.25, cache read $0.50.",
      },
    ],
  },
  {
    id: "claude-opus-5",
    provider: "Anthropic",
    model: "Claude Opus 5",
    usdPerMillion: { input: 5.0, cachedInput: 0.5, cacheWrite: 6.25, output: 25.0 },
    sources: [
      {
        url: "https://platform.claude.com/docs/en/models/opus-5/overview",
        date: READ,
        note: "Released 2026-07-24: $5 / $25 per MTok, 5m cache write $6.25, 1h cache write $10, cache read $0.50.",
      },
    ],
  },
  {
    id: "claude-opus-5.5",
    provider: "Anthropic",
    model: "Claude Opus 5.5",
    usdPerMillion: { input: 4.0, cachedInput: 0.2, cacheWrite: 5.0, output: 20.0 },
    sources: [
      {
        url: "https://platform.claude.com/docs/zh-CN/models/opus-5-5/overview",
        date: READ,
        note: "$4 / $20 per MTok, 5m cache write $5, 1h cache write $8, cache read $0.20 (0.05x input, not the usual 0.1x).",
      },
      {
        url: "https://github.com/kurofune/claudit/releases/tag/v1.8.2",
        date: "2026-09-23",
        note: "Price refresh against the live pricing page: Opus 5.5 at $4 / $20, cache writes $5 / $8, cache hits $0.20.",
      },
    ],
  },
  {
    id: "claude-sonnet-4.5",
    provider: "Anthropic",
    model: "Claude Sonnet 4.5",
    usdPerMillion: { input: 3.0, cachedInput: 0.3, cacheWrite: 3.75, output: 15.0 },
    sources: [
      {
        ...ANTHROPIC_PRICING,
        note: ANTHROPIC_PRICING.note + " Sonnet 4 / 4.5 / 4.6: $3 input, $0.30 cache read, $3.75 (5m) or $6 (1h) cache write, $15 output.",
      },
    ],
  },
  {
    id: "claude-sonnet-5",
    provider: "Anthropic",
    model: "Claude Sonnet 5",
    usdPerMillion: { input: 2.0, cachedInput: 0.2, cacheWrite: 2.5, output: 10.0 },
    sources: [
      {
        url: "https://platform.claude.com/docs/zh-CN/models/sonnet-5/overview",
        date: READ,
        note: "$2 / $10 per MTok, 5m cache write $2.50, 1h cache write $4, cache read $0.20.",
      },
    ],
  },
  {
    id: "claude-sonnet-5.5",
    provider: "Anthropic",
    model: "Claude Sonnet 5.5",
    usdPerMillion: { input: 2.0, cachedInput: 0.2, cacheWrite: 2.5, output: 10.0 },
    sources: [
      {
        url: "https://platform.claude.com/docs/zh-CN/models/sonnet-5-5/overview",
        date: READ,
        note: "$2 / $10 per MTok, 5m cache write $2.50, 1h cache write $4, cache read $0.20.",
      },
    ],
  },
  {
    id: "gemini-2.5-flash",
    provider: "Google",
    model: "Gemini 2.5 Flash",
    usdPerMillion: { input: 0.3, cachedInput: 0.03, cacheWrite: 0.3, output: 2.5 },
    sources: [GEMINI_PRICING],
  },
  {
    id: "gemini-2.5-flash-lite",
    provider: "Google",
    model: "Gemini 2.5 Flash-Lite",
    usdPerMillion: { input: 0.1, cachedInput: 0.01, cacheWrite: 0.1, output: 0.4 },
    sources: [GEMINI_PRICING],
  },
  {
    id: "gemini-2.5-pro",
    provider: "Google",
    model: "Gemini 2.5 Pro",
    usdPerMillion: { input: 1.25, cachedInput: 0.125, cacheWrite: 1.25, output: 10.0 },
    sources: [{ ...GEMINI_PRICING, note: GEMINI_PRICING.note + " Prompts >200k tokens: $2.50 input, $15 output." }],
  },
  {
    id: "gemini-3-flash-preview",
    provider: "Google",
    model: "Gemini 3 Flash (preview)",
    usdPerMillion: { input: 0.5, cachedInput: 0.05, cacheWrite: 0.5, output: 3.0 },
    sources: [GEMINI_PRICING],
  },
  {
    id: "gemini-3-pro-preview",
    provider: "Google",
    model: "Gemini 3 Pro (preview)",
    usdPerMillion: { input: 2.0, cachedInput: 0.2, cacheWrite: 2.0, output: 12.0 },
    sources: [
      { ...GEMINI_PRICING, note: GEMINI_PRICING.note + " Prompts >200k tokens: $4 input, $18 output." },
      { ...GITHUB_COPILOT_PRICES, note: "Gemini 3.1 Pro (preview) at the same $2 / $0.20 / $12." },
    ],
  },
  {
    id: "gpt-4.1",
    provider: "OpenAI",
    model: "GPT-4.1",
    usdPerMillion: { input: 2.0, cachedInput: 0.5, cacheWrite: 2.0, output: 8.0 },
    sources: [
      { ...GITHUB_COPILOT_PRICES, note: "GPT-4.1: $2.00 input, $0.50 cached input (75% off), $8.00 output. " + NO_CACHE_WRITE_CHARGE },
      {
        url: "https://docs.rs/crate/adk-model/latest/source/src/openai/pricing.rs",
        date: "2026-03",
        note: "OpenAI price table (March 2026): GPT-4.1 family 75% off cached input.",
      },
    ],
  },
  {
    id: "gpt-5",
    provider: "OpenAI",
    model: "GPT-5",
    usdPerMillion: { input: 1.25, cachedInput: 0.125, cacheWrite: 1.25, output: 10.0 },
    sources: [
      {
        url: "https://developers.openai.com/api/docs/models/gpt-5-codex",
        date: READ,
        note: "Comparison row for GPT-5: $1.25 input, $0.125 cached input, $10 output. " + NO_CACHE_WRITE_CHARGE,
      },
      {
        url: "https://deploybase.ai/articles/openai-pricing",
        date: "2026-03",
        note: "OpenAI pricing page, March 2026: GPT-5 $1.25 / $10. A June 2026 reading (morphllm.com) no longer lists GPT-5; kept as a reference point.",
      },
    ],
  },
  {
    id: "gpt-5-codex",
    provider: "OpenAI",
    model: "GPT-5-Codex",
    usdPerMillion: { input: 1.25, cachedInput: 0.125, cacheWrite: 1.25, output: 10.0 },
    sources: [
      {
        url: "https://developers.openai.com/api/docs/models/gpt-5-codex",
        date: READ,
        note: "$1.25 input, $0.125 cached input, $10 output. " + NO_CACHE_WRITE_CHARGE,
      },
      {
        url: "https://fernando-nog.netlify.app/gpt-coding-model-costs-2026/",
        date: "2026-05-05",
        note: "Pricing snapshot 2026-05-05: gpt-5-codex $1.25 / $0.125 / $10.00.",
      },
    ],
  },
  {
    id: "gpt-5-mini",
    provider: "OpenAI",
    model: "GPT-5 mini",
    usdPerMillion: { input: 0.25, cachedInput: 0.025, cacheWrite: 0.25, output: 2.0 },
    sources: [{ ...GITHUB_COPILOT_PRICES, note: "GPT-5 mini: $0.25 input, $0.025 cached input, $2.00 output. " + NO_CACHE_WRITE_CHARGE }],
  },
  {
    id: "gpt-5.2",
    provider: "OpenAI",
    model: "GPT-5.2",
    usdPerMillion: { input: 1.75, cachedInput: 0.175, cacheWrite: 1.75, output: 14.0 },
    sources: [{ ...GITHUB_COPILOT_PRICES, note: "GPT-5.2 (and GPT-5.2/5.3-Codex): $1.75 / $0.175 / $14.00. " + NO_CACHE_WRITE_CHARGE }],
  },
  {
    id: "gpt-5.4",
    provider: "OpenAI",
    model: "GPT-5.4",
    usdPerMillion: { input: 2.5, cachedInput: 0.25, cacheWrite: 2.5, output: 15.0 },
    sources: [
      { ...GITHUB_COPILOT_PRICES, note: "GPT-5.4 (prompts <=272K): $2.50 / $0.25 / $15.00. " + NO_CACHE_WRITE_CHARGE },
      { url: "https://www.morphllm.com/openai-api-pricing", date: "2026-06", note: "OpenAI pricing page as of June 2026: GPT-5.4 $2.50 / $0.25 / $15.00 (input / cached input / output)." },
    ],
  },
  {
    id: "gpt-5.5",
    provider: "OpenAI",
    model: "GPT-5.5",
    usdPerMillion: { input: 5.0, cachedInput: 0.5, cacheWrite: 5.0, output: 30.0 },
    sources: [
      { ...GITHUB_COPILOT_PRICES, note: "GPT-5.5 (prompts <=272K): $5.00 / $0.50 / $30.00. " + NO_CACHE_WRITE_CHARGE },
      { url: "https://www.morphllm.com/openai-api-pricing", date: "2026-06", note: "OpenAI pricing page as of June 2026: GPT-5.5 $5.00 / $0.50 / $30.00 (input / cached input / output)." },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// GPU rental prices
// ---------------------------------------------------------------------------------------------

const TSAOL_AWS = "https://github.com/tsaol/aws-gpu";

/** Cloud-price snapshot with one dated record per offer (checked_at), from the providers' pages. */
const SILYBENCH =
  "https://github.com/tgarg01/silybench-data/blob/045df3bf56b8d62c58f108fc43cb397306b83331/derived/cost.json";

const COREWEAVE: Source = {
  url: "https://kaelresearch.com/blog/gpu-economics-real-inference-costs",
  date: "2026-02",
  note: "CoreWeave on-demand list prices per 8-GPU instance, divided by 8 here.",
};

/** A price from the silybench snapshot, naming the provider page it was checked on. */
function silybench(providerPage: string, what: string, checkedAt = "2026-09-25"): Source {
  return { url: providerPage, date: checkedAt, note: `${what}; checked ${checkedAt} as recorded in ${SILYBENCH}` };
}

/** Price summary of H200 offers collected 2026-01-02 from the providers' pricing pages. */
function h200Summary(providerPage: string, what: string): Source {
  return { url: providerPage, date: "2026-01-02", note: `${what}; per-GPU price from an H200 price summary collected 2026-01-02.` };
}

/** On-demand GPU rental prices, by price-book id. */
export const GPU_RENTAL_PRICES: readonly GpuRentalPrice[] = [
  {
    id: "aws-g6e",
    provider: "AWS",
    instance: "g6e.48xlarge",
    gpu: "l40s",
    usdPerGpuHour: 3.76625,
    sources: [
      {
        url: `${TSAOL_AWS}/blob/main/data/g6e_instances.js`,
        date: "2026-08-26",
        note: "us-east-1 on-demand $30.13/h for 8x L40S (1-yr RI $18.98/h), from instances.vantage.sh; / 8 = $3.766 per GPU-hour.",
      },
    ],
  },
  {
    id: "aws-g6e-xlarge",
    provider: "AWS",
    instance: "g6e.xlarge",
    gpu: "l40s",
    usdPerGpuHour: 1.861,
    sources: [
      {
        url: "https://modal.com/blog/nvidia-l40s-price-article",
        date: "2025-08-12",
        note: "us-east-1 on-demand $1.861/h for 1x L40S with 4 vCPU (1-yr ~$1.17, 3-yr ~$0.80): the cheapest L40S shape on AWS.",
      },
    ],
  },
  {
    id: "aws-p5",
    provider: "AWS",
    instance: "p5.48xlarge",
    gpu: "h100-sxm",
    usdPerGpuHour: 6.88,
    sources: [
      {
        url: `${TSAOL_AWS}/blob/main/data/p5_instances.js`,
        date: "2026-08-26",
        note: "us-east-1 on-demand $55.04/h for 8x H100 SXM, from instances.vantage.sh; / 8 = $6.88. Before the June 2025 cut it was $98.32/h.",
      },
    ],
  },
  {
    id: "aws-p5en",
    provider: "AWS",
    instance: "p5en.48xlarge",
    gpu: "h200",
    usdPerGpuHour: 7.912,
    sources: [
      {
        url: `${TSAOL_AWS}/blob/main/data/p5en_instances.js`,
        date: "2025-12-21",
        note: "us-east-1 on-demand $63.296/h for 8x H200; / 8 = $7.912.",
      },
    ],
  },
  {
    id: "aws-p6-b200",
    provider: "AWS",
    instance: "p6-b200.48xlarge",
    gpu: "b200",
    usdPerGpuHour: 14.24125,
    sources: [
      {
        url: `${TSAOL_AWS}/blob/main/data/p6-b200_instances.js`,
        date: "2026-08-26",
        note: "us-east-1 on-demand $113.93/h for 8x B200; / 8 = $14.241.",
      },
    ],
  },
  {
    id: "azure-nd-h100-v5",
    provider: "Azure",
    instance: "Standard_ND96isr_H100_v5",
    gpu: "h100-sxm",
    usdPerGpuHour: 12.29,
    sources: [
      {
        url: "https://azure.microsoft.com/en-us/pricing/details/virtual-machines/linux/",
        date: READ,
        note: "Pay-as-you-go $98.32/h for 8x H100 (2026, per the datareceipts GPU-pricing notes and instances.vantage.sh); / 8 = $12.29.",
      },
    ],
  },
  {
    id: "azure-nd-h200-v5",
    provider: "Azure",
    instance: "Standard_ND96isr_H200_v5",
    gpu: "h200",
    usdPerGpuHour: 13.09,
    sources: [h200Summary("https://azure.microsoft.com/pricing/details/virtual-machines/linux/", "ND96isr H200 v5, 8x H200: $13.09 per GPU-hour")],
  },
  {
    id: "coreweave-b200",
    provider: "CoreWeave",
    instance: "HGX B200 (8 GPUs)",
    gpu: "b200",
    usdPerGpuHour: 8.6,
    sources: [{ ...COREWEAVE, note: COREWEAVE.note + " B200: $68.80/h." }],
  },
  {
    id: "coreweave-h100",
    provider: "CoreWeave",
    instance: "HGX H100 (8 GPUs)",
    gpu: "h100-sxm",
    usdPerGpuHour: 6.155,
    sources: [{ ...COREWEAVE, note: COREWEAVE.note + " HGX H100: $49.24/h." }],
  },
  {
    id: "coreweave-h200",
    provider: "CoreWeave",
    instance: "HGX H200 (8 GPUs)",
    gpu: "h200",
    usdPerGpuHour: 6.305,
    sources: [{ ...COREWEAVE, note: COREWEAVE.note + " HGX H200: $50.44/h." }],
  },
  {
    id: "coreweave-l40s",
    provider: "CoreWeave",
    instance: "L40S (8 GPUs)",
    gpu: "l40s",
    usdPerGpuHour: 2.25,
    sources: [
      { ...COREWEAVE, note: COREWEAVE.note + " L40S: $18.00/h." },
      { url: "https://modal.com/blog/nvidia-l40s-price-article", date: "2025-08-12", note: "CoreWeave L40S on-demand $2.25 per GPU-hour." },
    ],
  },
  {
    id: "coreweave-rtx-pro-6000",
    provider: "CoreWeave",
    instance: "RTX PRO 6000 Blackwell Server Edition (8 GPUs)",
    gpu: "rtx-pro-6000",
    usdPerGpuHour: 2.5,
    sources: [
      {
        ...COREWEAVE,
        note: COREWEAVE.note + " RTX PRO 6000: $20.00/h. These are Server Edition cards, compared here with the Workstation Edition spec.",
      },
    ],
  },
  {
    id: "gcp-a3-highgpu",
    provider: "GCP",
    instance: "a3-highgpu-1g (us-central1)",
    gpu: "h100-sxm",
    usdPerGpuHour: 10.9791,
    sources: [
      {
        url: "https://cloud.google.com/billing/v1/how-tos/catalog-api",
        date: "2026-09-26",
        note:
          `GPU + 26 vCPU + 234 GiB from the Cloud Billing catalog, on-demand-equivalent list price (the 1g shape itself is ` +
          `Spot/Flex-start only; Spot is $6.571); recorded in ${SILYBENCH}`,
      },
    ],
  },
  {
    id: "gcp-a3-ultragpu",
    provider: "GCP",
    instance: "a3-ultragpu-8g",
    gpu: "h200",
    usdPerGpuHour: 10.85,
    sources: [h200Summary("https://cloud.google.com/compute/gpus-pricing", "A3 Ultra, 8x H200: $10.85 per GPU-hour")],
  },
  {
    id: "lambda-a100-80gb",
    provider: "Lambda",
    instance: "8x A100 SXM 80GB",
    gpu: "a100-80gb",
    usdPerGpuHour: 2.79,
    sources: [silybench("https://lambda.ai/pricing", "8x A100 SXM 80GB: $2.79 per GPU-hour")],
  },
  {
    id: "lambda-b200",
    provider: "Lambda",
    instance: "1x B200 SXM6",
    gpu: "b200",
    usdPerGpuHour: 6.99,
    sources: [silybench("https://lambda.ai/pricing", "1x B200 SXM6: $6.99 per GPU-hour")],
  },
  {
    id: "lambda-h100",
    provider: "Lambda",
    instance: "8x H100 SXM",
    gpu: "h100-sxm",
    usdPerGpuHour: 3.99,
    sources: [silybench("https://lambda.ai/pricing", "8x H100 SXM: $3.99 per GPU-hour (1x H100 SXM: $4.29)")],
  },
  {
    id: "nebius-b200",
    provider: "Nebius",
    instance: "HGX B200",
    gpu: "b200",
    usdPerGpuHour: 7.15,
    sources: [silybench("https://nebius.com/prices", "HGX B200: $7.15 per GPU-hour")],
  },
  {
    id: "nebius-h100",
    provider: "Nebius",
    instance: "HGX H100",
    gpu: "h100-sxm",
    usdPerGpuHour: 3.85,
    sources: [silybench("https://nebius.com/prices", "HGX H100: $3.85 per GPU-hour")],
  },
  {
    id: "nebius-h200",
    provider: "Nebius",
    instance: "HGX H200",
    gpu: "h200",
    usdPerGpuHour: 4.5,
    sources: [silybench("https://nebius.com/prices", "HGX H200: $4.50 per GPU-hour")],
  },
  {
    id: "nebius-l40s",
    provider: "Nebius",
    instance: "L40S (Intel)",
    gpu: "l40s",
    usdPerGpuHour: 1.55,
    sources: [silybench("https://nebius.com/prices", "L40S (Intel host): $1.55 per GPU-hour")],
  },
  {
    id: "runpod-a100-80gb",
    provider: "RunPod",
    instance: "A100 SXM 80GB, Secure Cloud",
    gpu: "a100-80gb",
    usdPerGpuHour: 1.59,
    sources: [silybench("https://www.runpod.io/pricing", "A100 SXM, Secure Cloud: $1.59 (Community Cloud $1.39)")],
  },
  {
    id: "runpod-b200",
    provider: "RunPod",
    instance: "B200, Secure Cloud",
    gpu: "b200",
    usdPerGpuHour: 6.79,
    sources: [silybench("https://www.runpod.io/pricing", "B200, Secure Cloud: $6.79")],
  },
  {
    id: "runpod-b200-community",
    provider: "RunPod",
    instance: "B200, Community Cloud",
    gpu: "b200",
    usdPerGpuHour: 5.98,
    sources: [silybench("https://www.runpod.io/pricing", "B200, Community Cloud (third-party hosts): $5.98")],
  },
  {
    id: "runpod-h100",
    provider: "RunPod",
    instance: "H100 SXM, Secure Cloud",
    gpu: "h100-sxm",
    usdPerGpuHour: 3.49,
    sources: [silybench("https://www.runpod.io/pricing", "H100 SXM, Secure Cloud: $3.49")],
  },
  {
    id: "runpod-h100-community",
    provider: "RunPod",
    instance: "H100 SXM, Community Cloud",
    gpu: "h100-sxm",
    usdPerGpuHour: 2.69,
    sources: [silybench("https://www.runpod.io/pricing", "H100 SXM, Community Cloud (third-party hosts): $2.69")],
  },
  {
    id: "runpod-h100-nvl",
    provider: "RunPod",
    instance: "H100 NVL, Secure Cloud",
    gpu: "h100-nvl",
    usdPerGpuHour: 3.19,
    sources: [silybench("https://www.runpod.io/pricing", "H100 NVL, Secure Cloud: $3.19 (Community Cloud $2.59)")],
  },
  {
    id: "runpod-h200",
    provider: "RunPod",
    instance: "H200, Secure Cloud",
    gpu: "h200",
    usdPerGpuHour: 4.59,
    sources: [silybench("https://www.runpod.io/pricing", "H200, Secure Cloud: $4.59")],
  },
  {
    id: "runpod-h200-community",
    provider: "RunPod",
    instance: "H200, Community Cloud",
    gpu: "h200",
    usdPerGpuHour: 3.59,
    sources: [silybench("https://www.runpod.io/pricing", "H200, Community Cloud (third-party hosts): $3.59")],
  },
  {
    id: "runpod-l40s",
    provider: "RunPod",
    instance: "L40S, Secure Cloud",
    gpu: "l40s",
    usdPerGpuHour: 1.09,
    sources: [silybench("https://www.runpod.io/pricing", "L40S, Secure Cloud: $1.09")],
  },
  {
    id: "runpod-l40s-community",
    provider: "RunPod",
    instance: "L40S, Community Cloud",
    gpu: "l40s",
    usdPerGpuHour: 0.79,
    sources: [silybench("https://www.runpod.io/pricing", "L40S, Community Cloud (third-party hosts): $0.79")],
  },
];
