/**
 * GPU models: memory, bandwidth, dense tensor throughput, board power and MIG profiles.
 *
 * Throughput is dense (no 2:4 sparsity): NVIDIA datasheets headline the sparse figure, which is
 * twice the dense one, so every figure here is the datasheet number halved where the note says so.
 * MIG profile memory is the guide's "fraction of memory" times the GPU memory, because the profile
 * name rounds (`3g.71gb` is half of 141 GB, 70.5).
 */
import type { GpuSpec, MigProfile, Source } from "./types";

/** The day the figures without a date of their own were read for this catalog. */
const READ = "2026-11-23";

const MIG_GUIDE: Source = {
  url: "https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html",
  date: READ,
  note:
    "Supported MIG Profiles: profile names, fraction of memory and number of instances per GPU. " +
    "memoryGiB = fraction of memory x GPU memory. Media-extension variants (+me, +gfx, -me) are left out: " +
    "they share the memory of the base profile.",
};

/** Builds MIG profiles from the guide's rows: name, fraction of memory, instances per GPU. */
function migProfiles(
  gpuMemoryGiB: number,
  rows: readonly (readonly [name: string, memoryFraction: number, instancesPerGpu: number])[],
): readonly MigProfile[] {
  return rows.map(([name, memoryFraction, instancesPerGpu]) => ({
    name,
    memoryGiB: gpuMemoryGiB * memoryFraction,
    instancesPerGpu,
  }));
}

/**
 * The seven-slice layout shared by A100 80GB, H100, H200 and B200: 1/8 of memory per slice, and
 * a `1g` profile with double memory that fits four times.
 */
function sevenSliceProfiles(gpuMemoryGiB: number, names: readonly [string, string, string, string, string, string]) {
  const [oneG, oneGDouble, twoG, threeG, fourG, sevenG] = names;
  return migProfiles(gpuMemoryGiB, [
    [oneG, 1 / 8, 7],
    [oneGDouble, 2 / 8, 4],
    [twoG, 2 / 8, 3],
    [threeG, 4 / 8, 2],
    [fourG, 4 / 8, 1],
    [sevenG, 1, 1],
  ]);
}

/** Every GPU model the catalog knows, by id. */
export const GPUS: readonly GpuSpec[] = [
  {
    id: "a100-80gb",
    name: "NVIDIA A100 80GB SXM4",
    memoryGiB: 80,
    memoryBandwidthTBps: 2.039,
    denseTflops: { bf16: 312, fp8: null, fp4: null },
    tdpW: 400,
    migProfiles: sevenSliceProfiles(80, ["1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"]),
    sources: [
      {
        url: "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf",
        date: READ,
        note:
          "A100 80GB SXM: 2,039 GB/s, BF16 tensor 312 TFLOPS dense (624 with sparsity), max TDP 400 W; " +
          "Ampere has no FP8 or FP4 tensor path. The SXM variant is used because the 8-GPU server is HGX/DGX A100.",
      },
      {
        ...MIG_GUIDE,
        note:
          MIG_GUIDE.note +
          " The guide lists the A100-SXM4-40GB table and states the 80GB names (1g.10gb, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb) with the same layout.",
      },
    ],
  },
  {
    id: "b200",
    name: "NVIDIA B200 180GB (HGX, 1,000 W)",
    memoryGiB: 180,
    memoryBandwidthTBps: 8.0,
    denseTflops: { bf16: 2250, fp8: 4500, fp4: 9000 },
    tdpW: 1000,
    migProfiles: sevenSliceProfiles(180, ["1g.23gb", "1g.45gb", "2g.45gb", "3g.90gb", "4g.90gb", "7g.180gb"]),
    sources: [
      {
        url: "https://glennklockwood.com/garden/processors/B200",
        date: READ,
        note:
          "HGX B200 at 1,000 W: BF16 2,250 / FP8 4,500 / FP4 9,000 TFLOPS dense (sparse figures are twice these). " +
          "Bandwidth is quoted as 7.7-8.0 TB/s across sources; 8.0 matches NVIDIA's 64 TB/s for 8 GPUs in DGX B200.",
      },
      {
        url: "https://github.com/mlcommons/inference_results_v5.1",
        date: "2025-08",
        note: 'MLPerf Inference v5.1 system descriptions name the part "B200-SXM-180GB" with hw_notes "B200 TGP 1000W".',
      },
      MIG_GUIDE,
    ],
  },
  {
    id: "h100-nvl",
    name: "NVIDIA H100 NVL 94GB (PCIe)",
    memoryGiB: 94,
    memoryBandwidthTBps: 3.9,
    denseTflops: { bf16: 835.5, fp8: 1670.5, fp4: null },
    tdpW: 400,
    migProfiles: sevenSliceProfiles(94, ["1g.12gb", "1g.24gb", "2g.24gb", "3g.47gb", "4g.47gb", "7g.94gb"]),
    sources: [
      {
        url: "https://www.nvidia.com/en-us/data-center/h100/",
        date: READ,
        note:
          "H100 NVL column: 94 GB, 3.9 TB/s, BF16 1,671 and FP8 3,341 TFLOPS with sparsity, halved here to dense; " +
          "TDP configurable 350-400 W, the maximum used. Throughput not re-read from the page for this catalog: " +
          "the dense figures agree with secondary tables (~835 / ~1,670).",
      },
      {
        url: "https://www.aiminingco.com/gpu/h100-nvl/specs",
        date: READ,
        note: "94 GB HBM3 per GPU, 3.9 TB/s, about 400 W per card, NVLink bridge between card pairs.",
      },
      MIG_GUIDE,
    ],
  },
  {
    id: "h100-sxm",
    name: "NVIDIA H100 SXM5 80GB",
    memoryGiB: 80,
    memoryBandwidthTBps: 3.35,
    denseTflops: { bf16: 989, fp8: 1979, fp4: null },
    tdpW: 700,
    migProfiles: sevenSliceProfiles(80, ["1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"]),
    sources: [
      {
        url: "https://glennklockwood.com/garden/processors/h100",
        date: READ,
        note: "From the NVIDIA Hopper whitepaper: 80 GB HBM3, 3.35 TB/s, BF16 989 / FP8 1,979 TFLOPS dense (1,979 / 3,958 sparse), 700 W.",
      },
      MIG_GUIDE,
    ],
  },
  {
    id: "h200",
    name: "NVIDIA H200 SXM 141GB",
    memoryGiB: 141,
    memoryBandwidthTBps: 4.8,
    denseTflops: { bf16: 989, fp8: 1979, fp4: null },
    tdpW: 700,
    migProfiles: sevenSliceProfiles(141, ["1g.18gb", "1g.35gb", "2g.35gb", "3g.71gb", "4g.71gb", "7g.141gb"]),
    sources: [
      {
        url: "https://lzwjava.github.io/nvidia-h200-gpu-specs-en",
        date: READ,
        note: "141 GB HBM3e, 4.8 TB/s; same GH100 compute as H100 SXM, so the same dense TFLOPS (989 BF16, 1,979 FP8).",
      },
      {
        url: "https://github.com/mlcommons/inference_results_v4.1",
        date: "2024-08",
        note: 'MLPerf v4.1 system JSON for H200-SXM-141GBx8 (TRT, MaxQ): hw_notes "H200 TGP 700W".',
      },
      MIG_GUIDE,
    ],
  },
  {
    id: "l40s",
    name: "NVIDIA L40S 48GB (PCIe)",
    memoryGiB: 48,
    memoryBandwidthTBps: 0.864,
    denseTflops: { bf16: 362, fp8: 733, fp4: null },
    tdpW: 350,
    // Ada Lovelace data-center parts have no MIG (the guide lists none for L40S).
    migProfiles: [],
    sources: [
      {
        url: "https://modal.com/blog/nvidia-l40s-price-article",
        date: "2025-08-12",
        note: "48 GB GDDR6, 864 GB/s, FP8 1.47 PFLOPS with sparsity (733 dense).",
      },
      {
        url: "https://www.mullet.se/product.html?product_id=355414",
        date: READ,
        note: "NVIDIA datasheet table: BF16 362.05 TFLOPS dense (733 sparse), FP8 733 dense (1,466 sparse), max power 350 W.",
      },
    ],
  },
  {
    id: "rtx-pro-6000",
    name: "NVIDIA RTX PRO 6000 Blackwell Workstation Edition 96GB",
    memoryGiB: 96,
    memoryBandwidthTBps: 1.792,
    denseTflops: { bf16: 500, fp8: 1000, fp4: 2000 },
    tdpW: 600,
    migProfiles: migProfiles(96, [
      ["1g.24gb", 1 / 4, 4],
      ["2g.48gb", 1 / 2, 2],
      ["4g.96gb", 1, 1],
    ]),
    sources: [
      {
        url: "https://gpu.name/posts/nvidia-unveils-rtx-pro-6000-blackwell-gpu-with-24-064-cores-and-96gb-memory",
        date: READ,
        note: "96 GB GDDR7, 1,792 GB/s, 600 W board power (the Max-Q Workstation Edition is 300 W).",
      },
      {
        url: "https://www.topcpu.net/es/news/nvidia-launches-96gb-rtx-5090-model-with-a-whopping-price-tag-of-10000",
        date: READ,
        note:
          "188 SMs, 125 TFLOPS FP32, 4,000 AI TOPS (FP4 with sparsity). Derived: FP4 dense 2,000; FP8 dense 1,000 and " +
          "BF16 dense 500 by halving per precision step. NVIDIA publishes no dense BF16/FP8 figure for this card.",
      },
      {
        ...MIG_GUIDE,
        note:
          MIG_GUIDE.note +
          " RTX PRO 6000 Blackwell (Workstation, Max-Q and Server editions): 1g.24gb x4, 2g.48gb x2, 4g.96gb x1.",
      },
    ],
  },
  {
    id: "rtx-pro-6000-server",
    name: "NVIDIA RTX PRO 6000 Blackwell Server Edition 96GB",
    memoryGiB: 96,
    memoryBandwidthTBps: 1.597,
    denseTflops: { bf16: 500, fp8: 1000, fp4: 2000 },
    tdpW: 600,
    migProfiles: migProfiles(96, [
      ["1g.24gb", 1 / 4, 4],
      ["2g.48gb", 1 / 2, 2],
      ["4g.96gb", 1, 1],
    ]),
    sources: [
      {
        url: "https://www.akamai.com/site/en/documents/corporate/nvidia-rtx-pro-6000-blackwell-server-edition-datasheet.pdf",
        date: READ,
        note:
          "Server Edition datasheet: 96 GB GDDR7 with ECC, 1,597 GB/s, FP4 4 PFLOPS (footnoted as effective FP4 with sparsity), " +
          "power up to 600 W (configurable), PCIe 5.0 x16, passive cooling, MIG up to 4 x 24 GB. Read from a public transcription of " +
          "the datasheet's table; the PDF was not opened for this catalog. Its bandwidth is lower than the Workstation Edition's 1,792 GB/s.",
      },
      {
        url: "https://www.nvidia.com/en-us/data-center/rtx-pro-6000-blackwell-server-edition/",
        date: READ,
        note:
          'Product page, as quoted in public notes: "FP4 Tensor Core 4 PFLOPS", "FP8 Tensor Core 2 PFLOPS", "FP16 | BF16 Tensor Core 1 PFLOP", ' +
          "1597 GB/s, up to 600 W, without a sparse/dense label. Read as sparse, like the datasheet's FP4 figure, and halved: " +
          "FP4 2,000, FP8 1,000, BF16 500 dense. The same page's TF32 234 TFLOPS suggests dense BF16 nearer 468; 500 keeps the " +
          "catalog's 2x per precision step. Derived, not published as dense.",
      },
      {
        url: "https://aws.amazon.com/blogs/machine-learning/accelerate-generative-ai-inference-on-amazon-sagemaker-ai-with-g7e-instances",
        date: "2026-04",
        note: "EC2 G7e: NVIDIA RTX PRO 6000 Blackwell Server Edition, 96 GB GDDR7 and 1,597 GB/s per GPU, up to 8 per instance.",
      },
      {
        ...MIG_GUIDE,
        note:
          MIG_GUIDE.note +
          " RTX PRO 6000 Blackwell (Workstation, Max-Q and Server editions): 1g.24gb x4, 2g.48gb x2, 4g.96gb x1.",
      },
    ],
  },
];
