/**
 * GPU servers (one Kubernetes node each): purchase price, wall power and GPU count.
 *
 * Prices for 8-GPU systems are quotes and street prices, not list prices: NVIDIA and the OEMs do not
 * publish them, and the spread between sources is wide, so each note gives the range it was taken from.
 *
 * Idle power is derived, because no vendor publishes it: GPUs idle (a model loaded, no requests) plus
 * the host. Per-GPU idle is 215 W (H100), 220 W (H200) and 290 W (B200) from a public dataset; for the
 * other GPUs it is 30% of board power, the ratio those three figures show. The host (CPUs, fans,
 * NICs) is 0.6 kW for an 8-GPU server and 0.25 kW for a workstation.
 *
 * Interconnect bandwidth is what one GPU can send to its peers in one direction. NVIDIA quotes
 * NVLink as the total of both directions (600 / 900 / 1,800 GB/s per GPU), so the NVLink figures
 * here are half of that. PCIe figures are the link's per-direction rate: Gen4 x16 32 GB/s (the
 * L40S datasheet's "64GB/s bidirectional" halved), Gen5 x16 64 GB/s.
 */
import type { Interconnect, ServerSpec, Source } from "./types";

/** The day the figures without a date of their own were read for this catalog. */
const READ = "2026-11-23";

const IDLE_DATASET: Source = {
  url: "https://huggingface.co/datasets/devidasmishra/ai-inference-hardware-economics-2026",
  date: READ,
  note: "Per-GPU idle / peak: H100 215/685 W, H200 220/690 W, B200 290/980 W (idle is about 30% of board power).",
};

const HOST_POWER: Source = {
  url: "https://lynx-cortex.pages.dev/extension-track/X4-hardware-deep-dive/theory/04-datacenter-economics",
  date: READ,
  note: "8x H100 node IT load: 8 x 700 W GPUs + 500 W host + 100 W network. The 0.6 kW host + network is used as the idle host share.",
};

const NVLINK_PER_GPU: Source = {
  url: "https://www.nvidia.com/en-us/data-center/nvlink/",
  date: READ,
  note:
    "NVLink bandwidth per GPU, both directions added: 600 GB/s (3rd generation, A100), 900 GB/s (4th, H100/H200), " +
    "1,800 GB/s (5th, Blackwell). Read from copies of NVIDIA's table (the servnetuk.com study below, which cites it); " +
    "the page itself was not re-read for this catalog.",
};

const NVLINK_LINKS: Source = {
  url: "https://alpha-one-index.github.io/ai-infra-index/specs/networking-interconnects.html",
  date: READ,
  note:
    "Per link, both directions: NVLink 3.0 50 GB/s x 12 links = 600 GB/s (A100); NVLink 4.0 50 GB/s x 18 = 900 GB/s (H100, H200); " +
    "NVLink 5.0 100 GB/s x 18 = 1,800 GB/s (B200). A link's bidirectional rate is both directions added, so one direction is half.",
};

const AI_SERVER_STUDY: Source = {
  url: "https://servnetuk.com/research/ai-servers",
  date: READ,
  note:
    "Per-GPU NVLink bandwidth by generation, citing NVIDIA: A100 (NVLink 3) 600, H100/H200 (NVLink 4) 900, B200 (NVLink 5) 1,800 GB/s " +
    "(\"18 links x 100 GB/s\"). HGX boards wire all eight GPUs through NVSwitch, so every pair gets the full rate.",
};

/** An NVLink/NVSwitch server: half the per-GPU total NVIDIA quotes, one direction. */
function nvlink(generation: string, totalGBps: number): Interconnect {
  return {
    kind: "nvlink",
    gbpsPerGpu: totalGBps / 2,
    sources: [
      {
        ...NVLINK_PER_GPU,
        note: `${NVLINK_PER_GPU.note} This server: ${generation}, ${totalGBps} GB/s both directions, ${totalGBps / 2} GB/s each way.`,
      },
      NVLINK_LINKS,
      AI_SERVER_STUDY,
    ],
  };
}

/**
 * PCIe Gen4 x16 as NVIDIA's L40S datasheet states it: 64 GB/s both directions, 32 GB/s each way.
 * Also the link assumed for an environment's inline server that names none (config/resolve.ts).
 */
export const PCIE_GEN4_X16: Interconnect = {
  kind: "pcie",
  gbpsPerGpu: 32,
  sources: [
    {
      url: "https://www.mullet.se/product.html?product_id=355414",
      date: READ,
      note: 'NVIDIA L40/L40S datasheet table: "Interconnect Interface: PCIe Gen4 x16: 64GB/s bidirectional", i.e. 32 GB/s per direction.',
    },
    {
      url: "https://www.itcreations.com/nvidia-gpu/nvidia-l40s-gpu-accelerator",
      date: READ,
      note: 'L40S: "PCIe Gen4 x16: 64GB/s bidirectional"; "NVLink is not supported".',
    },
  ],
};

/** PCIe Gen5 x16: twice Gen4's lane rate (32 GT/s), 64 GB/s each way, 128 GB/s both. */
export const PCIE_GEN5_X16: Interconnect = {
  kind: "pcie",
  gbpsPerGpu: 64,
  sources: [
    {
      url: "https://alpha-one-index.github.io/ai-infra-index/specs/networking-interconnects.html",
      date: READ,
      note:
        "PCIe bandwidth by generation, x16: PCIe 4.0 32 GB/s, PCIe 5.0 64 GB/s (4 GB/s per lane). The page names no direction; " +
        "its Gen4 figure is the L40S datasheet's 64 GB/s bidirectional halved, so these are per direction. " +
        "Exactly: 32 GT/s x 16 lanes x 128/130 encoding / 8 = 63 GB/s per direction, quoted as 64.",
    },
  ],
};

/** Every server the catalog knows, by id. */
export const SERVERS: readonly ServerSpec[] = [
  {
    id: "a100-80gb-8",
    name: "8x A100 80GB SXM4 (DGX A100 / HGX A100 class)",
    gpu: "a100-80gb",
    gpusPerServer: 8,
    priceUsd: 199_000,
    powerKw: { idle: 1.56, max: 6.5 },
    interconnect: nvlink("NVLink 3 through NVSwitch (DGX/HGX A100)", 600),
    sources: [
      {
        url: "https://geektopia.es/es/technology/2020/05/14/noticias/nvidia-anuncia-el-servidor-dgx-a100-ocho-tesla-a100-desde-200-000-dolares.html",
        date: "2020-05-14",
        note:
          "DGX A100 launch price from $199,000 (article rounds to $200,000), for the 320 GB (8x 40GB) system. " +
          "No source found for the 640 GB (80GB GPUs) system or for 2026 used prices: override from the environment.",
      },
      {
        url: "https://pcnews.ru/news/vycislitelnaa_sistema_nvidia_dgx_a100_ampere_osnasaetsa_sestu_blokami_pitania_po_3_kvt-985106.html",
        date: "2020-05",
        note: "DGX A100 maximum power 6,500 W (six 3 kW PSUs, half redundant).",
      },
      {
        ...IDLE_DATASET,
        note: "Derived idle: 8 x 120 W (30% of the A100's 400 W) + 0.6 kW host = 1.56 kW.",
      },
      HOST_POWER,
    ],
  },
  {
    id: "hgx-b200-8",
    name: "8x B200 HGX server (DGX B200 class)",
    gpu: "b200",
    gpusPerServer: 8,
    priceUsd: 500_000,
    powerKw: { idle: 2.92, max: 14.3 },
    interconnect: nvlink("NVLink 5 through NVSwitch (HGX B200)", 1800),
    sources: [
      {
        url: "https://deluair.com",
        date: READ,
        note:
          "B200 GPU alone about $45-50k. Derived: 8 x $45-50k = $360-400k in GPUs plus host, network cards and " +
          "NVSwitch baseboard, about $500k: the top of the $400-500k range quoted for 8x H200 / 8x B200 systems in late 2025.",
      },
      {
        url: "https://madcoolstuff.com/guides/datacenter-inference-blueprint",
        date: READ,
        note: "NVIDIA DGX B200 about 14.3 kW; an OEM HGX B200 node about 10 kW. The DGX figure is used as the maximum.",
      },
      { ...IDLE_DATASET, note: IDLE_DATASET.note + " Derived idle: 8 x 290 W + 0.6 kW host = 2.92 kW." },
      HOST_POWER,
    ],
  },
  {
    id: "hgx-h100-8",
    name: "8x H100 SXM HGX server (DGX H100 / Dell XE9680 class)",
    gpu: "h100-sxm",
    gpusPerServer: 8,
    priceUsd: 270_000,
    powerKw: { idle: 2.32, max: 10.2 },
    interconnect: nvlink("NVLink 4 through NVSwitch (HGX H100)", 900),
    sources: [
      {
        url: "https://github.com/epoch-research/training-cost-trends",
        date: "2023-05",
        note:
          "NVIDIA DGX H100 sale price about $270,000 (SemiAnalysis, in the cost notebook). Other quotes: an 8x H100 HGX " +
          "Thinkmate quote of $317k incl. InfiniBand cards (Aug 2024); \"exceeds $250,000\" (2025). $270k sits inside that range.",
      },
      {
        url: "https://servnetuk.com/research/ai-servers",
        date: READ,
        note: "DGX H100 (8x H100 SXM, air-cooled) about 10.2 kW maximum, citing NVIDIA.",
      },
      {
        url: "https://www.supercluster.blog/p/6-ai-supercluster-nvidia-dgx-h100",
        date: READ,
        note: "DGX H100: up to 10.2 kW at full load, typically 6.5-8.5 kW depending on the workload.",
      },
      { ...IDLE_DATASET, note: IDLE_DATASET.note + " Derived idle: 8 x 215 W + 0.6 kW host = 2.32 kW." },
      HOST_POWER,
    ],
  },
  {
    id: "hgx-h200-8",
    name: "8x H200 SXM HGX server (DGX H200 / Dell XE9680 class)",
    gpu: "h200",
    gpusPerServer: 8,
    priceUsd: 400_000,
    powerKw: { idle: 2.36, max: 10.2 },
    interconnect: nvlink("NVLink 4 through NVSwitch (HGX H200)", 900),
    sources: [
      {
        url: "https://ai-hpc.github.io/ai-hardware-engineer-roadmap/Phase%205%20-%20Advanced%20Topics%20and%20Specialization/1.%20GPU%20Infrastructure/Nvidia%20GPU/HPC%20Setup/L40S-x12-Inference",
        date: READ,
        note: "8x H200 system cost approx \"~$400K+\". Other analyses give $400-500k for 8x H200 / 8x B200; the low end is used for H200.",
      },
      {
        url: "https://huggingface.co/hardware/h200",
        date: READ,
        note: "H200 MSRP about $32k per GPU (H100 about $25-30k), so an H200 box costs somewhat more than an H100 box.",
      },
      {
        url: "https://unanswered.io/guide/nvidia-dgx-power-consumption-watts",
        date: READ,
        note: "DGX H100/H200: six 3.3 kW PSUs (4+2), maximum system input 10.2 kW.",
      },
      { ...IDLE_DATASET, note: IDLE_DATASET.note + " Derived idle: 8 x 220 W + 0.6 kW host = 2.36 kW." },
      HOST_POWER,
    ],
  },
  {
    id: "l40s-8",
    name: "8x L40S PCIe server (4U/5U, dual-socket)",
    gpu: "l40s",
    gpusPerServer: 8,
    priceUsd: 100_000,
    powerKw: { idle: 1.44, max: 5.0 },
    // A dual-socket server: four GPUs under each CPU (the servethehome source below shows the layout).
    interconnect: { ...PCIE_GEN4_X16, gpusPerDomain: 4 },
    sources: [
      {
        url: "https://datastorage.com/gpu/nvidia-l40s/",
        date: READ,
        note:
          "L40S card about $7k-10k; turnkey systems about $60k-120k+. No reliable quote for an 8x L40S server was found: " +
          "$100k is derived as 8 x ~$9k (MSRP per rentgpu.org) + ~$28k host, the middle of the $80-120k default range. Unconfirmed.",
      },
      {
        url: "https://rentgpu.org/zh/gpus/l40s/ai-models",
        date: READ,
        note: "L40S MSRP $9,000 (used for its buy-vs-rent break-even).",
      },
      {
        url: "https://www.servethehome.com/nvidia-l40s-is-the-nvidia-h100-ai-alternative-with-a-big-benefit-supermicro/",
        date: READ,
        note: "A 5U server with 8x L40S (or 8x H100 PCIe, 350 W GPUs) draws 4.3-5 kW, GPUs about 2.8 kW. The upper end is used as the maximum.",
      },
      { ...IDLE_DATASET, note: "Derived idle: 8 x 105 W (30% of 350 W, the ratio in this dataset) + 0.6 kW host = 1.44 kW." },
      HOST_POWER,
    ],
  },
  {
    id: "rtx-pro-6000-server-8",
    name: "8x RTX PRO 6000 Blackwell Server Edition PCIe server (4U/5U, dual-socket; Dell XE7745 / Supermicro 5U 8-GPU class)",
    gpu: "rtx-pro-6000-server",
    gpusPerServer: 8,
    priceUsd: 96_520,
    powerKw: { idle: 2.04, max: 7.0 },
    interconnect: {
      ...PCIE_GEN5_X16,
      // Eight GPUs spread over two sockets: four share each CPU's root complex.
      gpusPerDomain: 4,
      sources: [
        {
          url: "https://www.akamai.com/site/en/documents/corporate/nvidia-rtx-pro-6000-blackwell-server-edition-datasheet.pdf",
          date: READ,
          note:
            'RTX PRO 6000 Blackwell Server Edition datasheet: graphics bus "PCIe 5.0 x16", no NVLink (read from a public transcription of its table). ' +
            "A cluster's 8-GPU nodes of this card report PCIe Gen5 x16 links and no NVLink in nvidia-smi topo -m, with the GPUs spread over both sockets, " +
            "so peers on the other socket also cross the CPU interconnect.",
        },
        ...PCIE_GEN5_X16.sources,
      ],
    },
    sources: [
      {
        url: "https://www.newgearhub.com/review/nvidia-gtc-2026-blackwell-gpus-pro-workstations",
        date: "2026-04-06",
        note:
          "RTX PRO 6000 Blackwell MSRP $8,565 (the price the workstation entry uses). Derived: 8 x $8,565 = $68,520 in GPUs + an assumed " +
          "$28,000 host, the same 4U/5U dual-socket PCIe chassis share as l40s-8 = $96,520. Unconfirmed: no public quote for the whole server " +
          "was found, NVIDIA does not price the Server Edition separately, and retail prices for the card ran above MSRP in 2025-2026 " +
          "(see below); override with a quote.",
      },
      {
        url: "https://www.tomshw.it/hardware/rtx-pro-6000-la-regina-del-gaming-dal-prezzo-impossibile-2025-06-01",
        date: "2025-06-01",
        note: "The card sells for about $10,000 at retail; at that price the GPUs would add about $11,500 to the derived figure.",
      },
      {
        url: "https://aws.amazon.com/blogs/machine-learning/accelerate-generative-ai-inference-on-amazon-sagemaker-ai-with-g7e-instances",
        date: "2026-04",
        note: "g7e.48xlarge: 8x RTX PRO 6000 Blackwell Server Edition in one instance, 96 GB and 1,597 GB/s per GPU: eight per server is a shipping configuration.",
      },
      {
        url: "https://www.servethehome.com/nvidia-l40s-is-the-nvidia-h100-ai-alternative-with-a-big-benefit-supermicro/",
        date: READ,
        note:
          "An 8x L40S 5U server draws 4.3-5 kW with its GPUs at about 2.8 kW, so the rest of the server takes up to 2.2 kW. " +
          "Derived max: 8 x 600 W (the Server Edition's maximum board power) + 2.2 kW = 7.0 kW. Not measured on an RTX PRO 6000 server.",
      },
      { ...IDLE_DATASET, note: "Derived idle: 8 x 180 W (30% of 600 W, the ratio in this dataset) + 0.6 kW host = 2.04 kW." },
      HOST_POWER,
    ],
  },
  {
    id: "rtx-pro-6000-ws-4",
    name: "4x RTX PRO 6000 Blackwell deskside workstation",
    gpu: "rtx-pro-6000",
    gpusPerServer: 4,
    priceUsd: 44_260,
    powerKw: { idle: 0.97, max: 2.95 },
    interconnect: {
      ...PCIE_GEN5_X16,
      sources: [
        {
          url: "https://www.nvidia.com/content/dam/en-zz/Solutions/data-center/rtx-pro-6000-blackwell-workstation-edition/workstation-blackwell-rtx-pro-6000-workstation-edition-nvidia-us-3519208-web.pdf",
          date: READ,
          note:
            'RTX PRO 6000 Blackwell Workstation Edition datasheet: "System interface: PCIe 5.0 x16" (read from a public copy of its table); ' +
            "the table lists no NVLink. Assumes each card sits in a CPU-attached x16 slot, as Threadripper PRO and Xeon W boards give four of.",
        },
        ...PCIE_GEN5_X16.sources,
      ],
    },
    sources: [
      {
        url: "https://www.newgearhub.com/review/nvidia-gtc-2026-blackwell-gpus-pro-workstations",
        date: "2026-04-06",
        note:
          "RTX PRO 6000 Blackwell MSRP $8,565, street $8,000-9,200. Derived: 4 x $8,565 = $34,260 in GPUs + an assumed " +
          "$10,000 workstation platform (Threadripper PRO / Xeon W, 256+ GB RAM, dual PSU). The platform price is unconfirmed.",
      },
      {
        url: "https://365retail.co.uk/?p=29465",
        date: READ,
        note:
          "A 4-GPU AI workstation draws about 2.5-3.5 kW under steady load; CPU 150-350 W, other parts 100-200 W. " +
          "Derived max: 4 x 600 W + 350 W + 200 W = 2.95 kW (needs a 230 V circuit; Max-Q cards at 300 W halve the GPU share). " +
          "Derived idle: 4 x 180 W (30% of 600 W) + 150 W + 100 W = 0.97 kW.",
      },
    ],
  },
];
