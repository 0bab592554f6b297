/**
 * Architectures of models that public throughput benchmarks report on but the catalog does not
 * deploy (no pinned revision, no runtime files): the throughput calibration evaluates its roofline
 * on them. Only what memory and throughput need is kept, as in models.ts.
 *
 * Architecture fields are those of each repository's config.json, read from public copies of the
 * file (library test fixtures and model tables that reproduce it), which agree with each other;
 * the Hugging Face pages themselves were not re-read for this catalog. Architecture fields do not
 * change between a base model and its instruct variant, so either repository is cited.
 *
 * Chunked local attention (Llama 4) is represented as a sliding window of the chunk size: a chunked
 * layer attends within 8,192-token chunks, so its KV never exceeds 8,192 tokens, the bound
 * `AttentionSpec.slidingWindow` expresses.
 */
import type { ModelArchitecture, Source } from "./types";

/** The day the figures without a date of their own were read for this catalog. */
const READ = "2026-11-23";

/** The config.json of a repository (its main branch: these models are benchmarked, not downloaded). */
function config(repo: string, note: string): Source {
  return { url: `https://huggingface.co/${repo}/blob/main/config.json`, date: READ, note };
}

/** The model card (README) of a repository. */
function card(repo: string, note: string): Source {
  return { url: `https://huggingface.co/${repo}/blob/main/README.md`, date: READ, note };
}

/** Every benchmark-only architecture, by id; no id is also a catalog model's (catalog/models.ts). */
export const BENCHMARK_MODELS: readonly ModelArchitecture[] = [
  {
    id: "llama-3.1-405b",
    name: "Llama 3.1 405B",
    parametersB: { total: 405.85, active: 405.85 },
    layers: 126,
    hiddenSize: 16384,
    attentionHeads: 128,
    kvHeads: 8,
    headDim: 128,
    attention: { kind: "gqa" },
    nativePrecision: "bf16",
    sources: [
      config(
        "meta-llama/Llama-3.1-405B",
        "num_hidden_layers 126, hidden_size 16384, num_attention_heads 128, num_key_value_heads 8 (head_dim 16384 / 128 = 128), " +
          "intermediate_size 53248, vocab_size 128256, tie_word_embeddings false, torch_dtype bfloat16.",
      ),
      card(
        "meta-llama/Llama-3.1-405B",
        "405B parameters, 128K context. Derived exact count from config.json: 126 x (attention 570,425,344 + MLP 3 x 16384 x 53248 " +
          "+ norms 32,768) + 2 x 128256 x 16384 untied embeddings + 16,384 = 405,853,388,800 = 405.85B.",
      ),
    ],
  },
  {
    id: "llama-4-maverick",
    name: "Llama 4 Maverick 17B-128E",
    parametersB: { total: 400, active: 17 },
    layers: 48,
    hiddenSize: 5120,
    attentionHeads: 40,
    kvHeads: 8,
    headDim: 128,
    // 36 of 48 layers use chunked local attention of 8,192 tokens; every fourth layer (no RoPE) is global.
    attention: { kind: "gqa", slidingWindow: { layers: 36, windowTokens: 8192 } },
    // Routed experts of the 24 MoE layers (every other layer); each token also runs a shared expert.
    moe: { experts: 128, expertsPerToken: 1 },
    nativePrecision: "bf16",
    sources: [
      config(
        "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
        "text_config: num_hidden_layers 48, hidden_size 5120, num_attention_heads 40, num_key_value_heads 8, head_dim 128, " +
          "num_local_experts 128, num_experts_per_tok 1, interleave_moe_layer_step 2 (MoE in every other layer, dense MLP of " +
          "intermediate_size_mlp 16384 in the rest), attention_chunk_size 8192, max_position_embeddings 1048576. " +
          "no_rope_layer_interval defaults to 4 (transformers' Llama4TextConfig): every fourth layer has no RoPE and attends globally, " +
          "the other 36 attend within 8,192-token chunks.",
      ),
      card(
        "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
        "17B activated, 400B total parameters; 128 routed experts plus a shared expert. Published in BF16 and FP8; BF16 is taken as native.",
      ),
    ],
  },
  {
    id: "llama-4-scout",
    name: "Llama 4 Scout 17B-16E",
    parametersB: { total: 109, active: 17 },
    layers: 48,
    hiddenSize: 5120,
    attentionHeads: 40,
    kvHeads: 8,
    headDim: 128,
    // 36 of 48 layers use chunked local attention of 8,192 tokens; every fourth layer (no RoPE) is global.
    attention: { kind: "gqa", slidingWindow: { layers: 36, windowTokens: 8192 } },
    // Every layer is MoE; each token also runs a shared expert.
    moe: { experts: 16, expertsPerToken: 1 },
    nativePrecision: "bf16",
    sources: [
      config(
        "meta-llama/Llama-4-Scout-17B-16E-Instruct",
        "text_config: num_hidden_layers 48, hidden_size 5120, num_attention_heads 40, num_key_value_heads 8, head_dim 128, " +
          "num_local_experts 16, num_experts_per_tok 1, interleave_moe_layer_step 1 (every layer MoE), attention_chunk_size 8192, " +
          "no_rope_layers [] (derived from no_rope_layer_interval, default 4: every fourth layer global, the other 36 chunked), " +
          "torch_dtype bfloat16.",
      ),
      card("meta-llama/Llama-4-Scout-17B-16E-Instruct", "17B activated, 109B total parameters; 16 routed experts plus a shared expert."),
    ],
  },
  {
    id: "mistral-7b",
    name: "Mistral 7B v0.1",
    parametersB: { total: 7.24, active: 7.24 },
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    // v0.1 windows every layer at 4,096 tokens: no layer keeps the full context. (An engine that
    // keeps every layer's whole context, as TensorRT-LLM does by default, runs it without; see
    // planning/calibration-fit.ts `engineDefaults`.)
    attention: { kind: "gqa", slidingWindow: { layers: 32, windowTokens: 4096 } },
    nativePrecision: "bf16",
    sources: [
      config(
        "mistralai/Mistral-7B-v0.1",
        "num_hidden_layers 32, hidden_size 4096, num_attention_heads 32, num_key_value_heads 8 (head_dim 128), intermediate_size 14336, " +
          "sliding_window 4096 with no per-layer types (every layer windowed), max_position_embeddings 32768, vocab_size 32000, " +
          "tie_word_embeddings false, torch_dtype bfloat16.",
      ),
      {
        url: "https://arxiv.org/abs/2310.06825",
        date: "2023-10",
        note: "Mistral 7B paper: sliding window attention with W = 4096 in every layer and a rolling buffer cache of W tokens.",
      },
      card(
        "mistralai/Mistral-7B-v0.1",
        "7B parameters. Derived exact count from config.json: 32 x (41,943,040 attention + 176,160,768 MLP + 8,192 norms) " +
          "+ 2 x 32000 x 4096 + 4,096 = 7,241,732,096 = 7.24B, the count public copies of the safetensors report.",
      ),
    ],
  },
  {
    id: "mixtral-8x7b",
    name: "Mixtral 8x7B v0.1",
    parametersB: { total: 46.7, active: 12.9 },
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    attention: { kind: "gqa" },
    moe: { experts: 8, expertsPerToken: 2 },
    nativePrecision: "bf16",
    sources: [
      config(
        "mistralai/Mixtral-8x7B-v0.1",
        "num_hidden_layers 32, hidden_size 4096, num_attention_heads 32, num_key_value_heads 8 (head_dim 128), intermediate_size 14336, " +
          "num_local_experts 8, num_experts_per_tok 2, sliding_window null (full attention in every layer), " +
          "max_position_embeddings 32768, rope_theta 1e6, torch_dtype bfloat16.",
      ),
      card(
        "mistralai/Mixtral-8x7B-v0.1",
        "46.7B total parameters, 12.9B used per token (Mistral's release post, quoted in public model descriptions). " +
          "Derived from config.json: 46,702,792,704 total and 12,879,925,248 active.",
      ),
      { url: "https://arxiv.org/abs/2401.04088", date: "2024-01", note: "Mixtral of Experts: 8 experts, top-2 routing per token, 32k-token context." },
    ],
  },
  {
    id: "qwen3-235b-a22b",
    name: "Qwen3-235B-A22B",
    parametersB: { total: 235, active: 22 },
    layers: 94,
    hiddenSize: 4096,
    attentionHeads: 64,
    kvHeads: 4,
    headDim: 128,
    attention: { kind: "gqa" },
    moe: { experts: 128, expertsPerToken: 8 },
    nativePrecision: "bf16",
    sources: [
      config(
        "Qwen/Qwen3-235B-A22B",
        "num_hidden_layers 94, hidden_size 4096, num_attention_heads 64, num_key_value_heads 4, head_dim 128, num_experts 128, " +
          "num_experts_per_tok 8, moe_intermediate_size 1536, vocab_size 151936, max_position_embeddings 40960.",
      ),
      card(
        "Qwen/Qwen3-235B-A22B",
        "235B total, 22B activated; 128 experts, 8 activated. Derived from config.json, taking every layer as MoE and the embeddings " +
          "as untied: 235.09B total, 22.19B active, in line with the card.",
      ),
    ],
  },
];
