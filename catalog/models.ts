/**
 * Open-weight models: the architecture numbers that decide weight memory and KV-cache size, and the
 * pinned Hugging Face revision to download.
 *
 * Architecture fields are those of each repository's config.json at the pinned revision. Revisions
 * are commit SHAs found pinned in public code (Hugging Face cache paths `snapshots/<sha>` and
 * `revision=` arguments); several independent repositories agree on each one.
 */
import type { ModelSpec, Source } from "./types";
import { TIKTOKEN_ENCODINGS } from "./upstream";

/** The day the figures without a date of their own were read for this catalog. */
const READ = "2026-11-23";

/** The config.json of a repository at a pinned commit. */
function configAt(repo: string, revision: string, note: string): Source {
  return { url: `https://huggingface.co/${repo}/blob/${revision}/config.json`, date: READ, note };
}

/** The model card (README) of a repository at a pinned commit. */
function cardAt(repo: string, revision: string, note: string): Source {
  return { url: `https://huggingface.co/${repo}/blob/${revision}/README.md`, date: READ, note };
}

/** Every model the catalog knows, by id. */
export const MODELS: readonly ModelSpec[] = [
  {
    id: "deepseek-v3",
    name: "DeepSeek-V3",
    parametersB: { total: 671, active: 37 },
    layers: 61,
    hiddenSize: 7168,
    attentionHeads: 128,
    // MLA: config.json says 128 KV heads, but the cache holds one latent per layer (see attention).
    kvHeads: 128,
    // qk_nope_head_dim and v_head_dim are both 128; the decoupled RoPE part (64) is in attention.
    headDim: 128,
    attention: { kind: "mla", kvLoraRank: 512, qkRopeHeadDim: 64 },
    // n_routed_experts 256, num_experts_per_tok 8; the one shared expert runs for every token and is not counted here.
    moe: { experts: 256, expertsPerToken: 8 },
    nativePrecision: "fp8",
    defaultContextTokens: 163_840,
    huggingFace: { repo: "deepseek-ai/DeepSeek-V3", revision: "e815299b0bcbac849fa540c768ef21845365c9eb", gated: false },
    checkpointGiB: 641.3,
    sources: [
      configAt(
        "deepseek-ai/DeepSeek-V3",
        "e815299b0bcbac849fa540c768ef21845365c9eb",
        "num_hidden_layers 61, hidden_size 7168, num_attention_heads 128, num_key_value_heads 128, kv_lora_rank 512, " +
          "qk_rope_head_dim 64, qk_nope_head_dim 128, v_head_dim 128, max_position_embeddings 163840; n_routed_experts 256, " +
          "n_shared_experts 1, num_experts_per_tok 8 (first_k_dense_replace 3: the first three layers are dense); " +
          "FP8 (e4m3, 128x128 block scales) quantization_config. Revision seen as the repository head in a 2026-07 public snapshot.",
      ),
      {
        url: "https://arxiv.org/abs/2412.19437",
        date: "2024-12",
        note: "DeepSeek-V3 technical report: 671B total, 37B activated per token; MLA caches only the compressed latent plus the decoupled RoPE key; 128K context.",
      },
      {
        url: "https://huggingface.co/deepseek-ai/DeepSeek-V3/tree/e815299b0bcbac849fa540c768ef21845365c9eb",
        date: READ,
        note: "The FP8 safetensors total 688.6 GB as reported in public conversion notes (incl. the multi-token-prediction module): 688.6e9 / 2^30 = 641.3 GiB. Not re-measured.",
      },
    ],
  },
  {
    id: "gpt-oss-120b",
    name: "gpt-oss-120b",
    parametersB: { total: 116.83, active: 5.13 },
    layers: 36,
    hiddenSize: 2880,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 64,
    attention: { kind: "gqa", slidingWindow: { layers: 18, windowTokens: 128 } },
    moe: { experts: 128, expertsPerToken: 4 },
    nativePrecision: "mxfp4",
    defaultContextTokens: 131_072,
    huggingFace: { repo: "openai/gpt-oss-120b", revision: "b5c939de8f754692c1647ca79fbf85e8c1e70f8a", gated: false },
    checkpointGiB: 60.8,
    // Harmony's tokenizer loads its encodings at start; the model store keeps them.
    runtimeFiles: [TIKTOKEN_ENCODINGS],
    sources: [
      configAt(
        "openai/gpt-oss-120b",
        "b5c939de8f754692c1647ca79fbf85e8c1e70f8a",
        "num_hidden_layers 36, hidden_size 2880, num_attention_heads 64, num_key_value_heads 8, head_dim 64, " +
          "layer_types alternate sliding_attention / full_attention (18 each), sliding_window 128, " +
          "max_position_embeddings 131072 (YaRN x32 over 4096); num_local_experts 128, experts_per_token 4; " +
          "MoE weights in MXFP4, attention in BF16.",
      ),
      {
        url: "https://openai.com/index/gpt-oss-model-card/",
        date: "2025-08",
        note: "gpt-oss model card: 116.83B total, 5.13B active parameters; MXFP4 checkpoint 60.8 GiB, fits one 80 GB GPU.",
      },
    ],
  },
  {
    id: "gpt-oss-20b",
    name: "gpt-oss-20b",
    parametersB: { total: 20.91, active: 3.61 },
    layers: 24,
    hiddenSize: 2880,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 64,
    attention: { kind: "gqa", slidingWindow: { layers: 12, windowTokens: 128 } },
    moe: { experts: 32, expertsPerToken: 4 },
    nativePrecision: "mxfp4",
    defaultContextTokens: 131_072,
    huggingFace: { repo: "openai/gpt-oss-20b", revision: "6cee5e81ee83917806bbde320786a8fb61efebee", gated: false },
    checkpointGiB: 12.8,
    // Harmony's tokenizer loads its encodings at start; the model store keeps them.
    runtimeFiles: [TIKTOKEN_ENCODINGS],
    sources: [
      configAt(
        "openai/gpt-oss-20b",
        "6cee5e81ee83917806bbde320786a8fb61efebee",
        "num_hidden_layers 24, hidden_size 2880, num_attention_heads 64, num_key_value_heads 8, head_dim 64, " +
          "layer_types alternate sliding_attention / full_attention (12 each), sliding_window 128, " +
          "max_position_embeddings 131072; num_local_experts 32, experts_per_token 4; MoE weights in MXFP4.",
      ),
      {
        url: "https://openai.com/index/gpt-oss-model-card/",
        date: "2025-08",
        note: "gpt-oss model card: 20.91B total, 3.61B active parameters; MXFP4 checkpoint 12.8 GiB, runs within 16 GB.",
      },
    ],
  },
  {
    id: "llama-3.1-8b",
    name: "Llama 3.1 8B Instruct",
    parametersB: { total: 8.03, active: 8.03 },
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    attention: { kind: "gqa" },
    nativePrecision: "bf16",
    defaultContextTokens: 131_072,
    huggingFace: {
      repo: "meta-llama/Llama-3.1-8B-Instruct",
      revision: "0e9e39f249a16976918f6564b8830bc894c89659",
      gated: true,
    },
    sources: [
      configAt(
        "meta-llama/Llama-3.1-8B-Instruct",
        "0e9e39f249a16976918f6564b8830bc894c89659",
        "num_hidden_layers 32, hidden_size 4096, num_attention_heads 32, num_key_value_heads 8 (head_dim 128), " +
          "max_position_embeddings 131072, torch_dtype bfloat16.",
      ),
      cardAt(
        "meta-llama/Llama-3.1-8B-Instruct",
        "0e9e39f249a16976918f6564b8830bc894c89659",
        "8B parameters (8.03B counted), 128K context; gated behind the Llama 3.1 Community License.",
      ),
    ],
  },
  {
    id: "llama-3.3-70b",
    name: "Llama 3.3 70B Instruct",
    parametersB: { total: 70.6, active: 70.6 },
    layers: 80,
    hiddenSize: 8192,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    attention: { kind: "gqa" },
    nativePrecision: "bf16",
    defaultContextTokens: 131_072,
    huggingFace: {
      repo: "meta-llama/Llama-3.3-70B-Instruct",
      revision: "6f6073b423013f6a7d4d9f39144961bfbfbc386b",
      gated: true,
    },
    sources: [
      configAt(
        "meta-llama/Llama-3.3-70B-Instruct",
        "6f6073b423013f6a7d4d9f39144961bfbfbc386b",
        "num_hidden_layers 80, hidden_size 8192, num_attention_heads 64, num_key_value_heads 8 (head_dim 128), " +
          "intermediate_size 28672, max_position_embeddings 131072, torch_dtype bfloat16: the Llama 3.1 70B architecture.",
      ),
      cardAt(
        "meta-llama/Llama-3.3-70B-Instruct",
        "6f6073b423013f6a7d4d9f39144961bfbfbc386b",
        "70B (70.6B) parameters, 128K context; gated behind the Llama 3.3 Community License.",
      ),
    ],
  },
  {
    id: "qwen3-30b-a3b",
    name: "Qwen3-30B-A3B",
    parametersB: { total: 30.5, active: 3.3 },
    layers: 48,
    hiddenSize: 2048,
    attentionHeads: 32,
    kvHeads: 4,
    headDim: 128,
    attention: { kind: "gqa" },
    moe: { experts: 128, expertsPerToken: 8 },
    nativePrecision: "bf16",
    defaultContextTokens: 40_960,
    huggingFace: { repo: "Qwen/Qwen3-30B-A3B", revision: "ad44e777bcd18fa416d9da3bd8f70d33ebb85d39", gated: false },
    sources: [
      configAt(
        "Qwen/Qwen3-30B-A3B",
        "ad44e777bcd18fa416d9da3bd8f70d33ebb85d39",
        "num_hidden_layers 48, hidden_size 2048, num_attention_heads 32, num_key_value_heads 4, head_dim 128, " +
          "num_experts 128, num_experts_per_tok 8, max_position_embeddings 40960 (what vLLM uses by default). " +
          "Revision seen as the repository head in a 2026-07 public snapshot.",
      ),
      cardAt(
        "Qwen/Qwen3-30B-A3B",
        "ad44e777bcd18fa416d9da3bd8f70d33ebb85d39",
        "30.5B total, 3.3B activated; context 32,768 natively and 131,072 with YaRN (not enabled by default).",
      ),
    ],
  },
  {
    id: "qwen3-32b",
    name: "Qwen3-32B",
    parametersB: { total: 32.8, active: 32.8 },
    layers: 64,
    hiddenSize: 5120,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    attention: { kind: "gqa" },
    nativePrecision: "bf16",
    defaultContextTokens: 40_960,
    huggingFace: { repo: "Qwen/Qwen3-32B", revision: "9216db5781bf21249d130ec9da846c4624c16137", gated: false },
    sources: [
      configAt(
        "Qwen/Qwen3-32B",
        "9216db5781bf21249d130ec9da846c4624c16137",
        "num_hidden_layers 64, hidden_size 5120, num_attention_heads 64, num_key_value_heads 8, head_dim 128, " +
          "intermediate_size 25600, max_position_embeddings 40960 (what vLLM uses by default).",
      ),
      cardAt(
        "Qwen/Qwen3-32B",
        "9216db5781bf21249d130ec9da846c4624c16137",
        "32.8B parameters; context 32,768 natively and 131,072 with YaRN (not enabled by default).",
      ),
    ],
  },
];
