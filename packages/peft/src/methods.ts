/**
 * The registry of adapter methods: for each `AdapterConfig.method`, which layers it adapts, whether
 * its rank is bounded by the layer's min(in, out), and how it builds the adapter of one layer from
 * the config. `createAdapter` in inject.ts validates through it; a new method is one entry here.
 *
 * @module
 */
import { Conv2d, Embedding, Linear } from '@numts/nn';
import type { AdaptedLayer, Adapter, AdapterMethod } from './adapter.js';
import { AdaloraAdapter } from './adapters/adalora.js';
import { CoreLoraAdapter } from './adapters/core-lora.js';
import { DoraAdapter } from './adapters/dora.js';
import { FloraConvAdapter } from './adapters/flora-conv.js';
import { LohaAdapter } from './adapters/loha.js';
import { LokrAdapter } from './adapters/lokr.js';
import { LoraAdapter } from './adapters/lora.js';
import { LoraDashAdapter } from './adapters/lora-dash.js';
import { ParallelAdapter } from './adapters/parallel.js';
import { PeftIa3Adapter } from './adapters/peft-ia3.js';
import { SamParserAdapter } from './adapters/sam-parser.js';
import { ScalingAdapter } from './adapters/scaling.js';
import { TriLoraAdapter } from './adapters/trilora.js';
import { VeraAdapter, VeraProjections } from './adapters/vera.js';
import { type AdapterConfig, suffixMatch } from './config.js';

/** What a method's factory gets for one layer (rank and α already resolved from the patterns). */
export interface AdapterContext {
  layer: AdaptedLayer;
  config: AdapterConfig;
  path: string;
  rank: number;
  alpha: number;
  seed: number;
  /** What the method's `prepare` made for the whole injection (VeRA: the shared projections). */
  shared: unknown;
  /** The LoRA-family options: rank, α, rsLoRA, dropout, seed. */
  common: {
    rank: number;
    alpha: number;
    useRslora: boolean | undefined;
    dropout: number | undefined;
    seed: number;
  };
}

/** Why a method refuses a layer: the layer kinds it adapts (and the method named in the message). */
export interface Refusal {
  kinds: string;
  method?: string;
}

/** One method of the registry. */
export interface AdapterMethodEntry {
  /** undefined when the method adapts this layer, else what it adapts. */
  accepts(layer: AdaptedLayer, config: AdapterConfig): Refusal | undefined;
  /** Whether config.rank must lie in [1, min(in, out)] for this layer. */
  rankBounded(layer: AdaptedLayer, config: AdapterConfig): boolean;
  create(context: AdapterContext): Adapter;
  /** State shared by the adapters of one injection, made once from all its targets. */
  prepare?(targets: readonly [string, AdaptedLayer][], config: AdapterConfig): unknown;
}

const LINEAR_ONLY = { kinds: 'Linear layers only' };
const linearOnly = (layer: AdaptedLayer) => (layer instanceof Linear ? undefined : LINEAR_ONLY);
const always = () => true;
const never = () => false;

/** A LoRA-family method on Linear layers with a bounded rank. */
function dense(create: (context: AdapterContext) => Adapter, rankBounded = always): AdapterMethodEntry {
  return { accepts: linearOnly, rankBounded, create };
}

function loraInit(config: AdapterConfig): string {
  return config.method === 'lora' ? (config.init ?? 'default') : config.method;
}

/** LoRA and its initialisations (PiSSA, MiLoRA, OLoRA factor the layer's weight matrix): any layer. */
const lora: AdapterMethodEntry = {
  accepts: () => undefined,
  rankBounded: always,
  create: ({ layer, config, common }) =>
    new LoraAdapter(layer, {
      ...common,
      init: loraInit(config) as 'default',
      pissaNiter: config.pissaNiter,
    }),
};

const scaling: AdapterMethodEntry = {
  accepts: (layer) => (layer instanceof Embedding ? { kinds: 'Linear and Conv2d layers' } : undefined),
  rankBounded: never,
  create: ({ layer, config }) => new ScalingAdapter(layer, config.method as 'ssl' | 'ssb' | 'ia3'),
};

/** Every method of {@link AdapterConfig.method} and how it is built. */
export const ADAPTER_METHODS_REGISTRY: Readonly<Record<AdapterMethod, AdapterMethodEntry>> = {
  lora,
  pissa: lora,
  milora: lora,
  dora: {
    accepts: () => undefined,
    rankBounded: always,
    create: ({ layer, config, common }) =>
      new DoraAdapter(layer, { ...common, detachNorm: config.doraDetachNorm }),
  },
  'lora-dash': {
    accepts: () => undefined,
    rankBounded: always,
    create: ({ layer, config, common }) =>
      new LoraDashAdapter(layer, {
        ...common,
        dashDirections: config.dashDirections,
        preLaunchSteps: config.preLaunchSteps,
        selection: config.dashSelection,
      }),
  },
  ssl: scaling,
  ssb: scaling,
  ia3: scaling,
  'sam-parser': dense(({ layer }) => new SamParserAdapter(layer), never),
  parallel: dense(
    ({ layer, config, rank, seed }) => new ParallelAdapter(layer, { rank, dropout: config.dropout, seed }),
  ),
  trilora: dense(({ layer, rank, seed }) => new TriLoraAdapter(layer, { rank, seed })),
  moslora: dense(
    ({ layer, config, rank, alpha, seed }) =>
      new CoreLoraAdapter(layer, 'moslora', {
        rank,
        scaling: alpha / (config.useRslora ? Math.sqrt(rank) : rank),
        dropout: config.dropout,
        seed,
      }),
  ),
  flora: {
    accepts: (layer) => (layer instanceof Linear || layer instanceof Conv2d ? undefined : LINEAR_ONLY),
    rankBounded: (layer) => !(layer instanceof Conv2d),
    create: ({ layer, config, rank, seed }) => {
      if (layer instanceof Conv2d) {
        const [kh, kw] = layer.kernelSize;
        const ranks = config.floraRanks ?? [rank, rank, Math.min(rank, kh), Math.min(rank, kw)];
        return new FloraConvAdapter(layer, {
          ranks,
          scale: config.floraScale,
          dropout: config.dropout,
          seed,
        });
      }
      return new CoreLoraAdapter(layer, 'flora', {
        rank,
        scaling: config.floraScale ?? 1,
        dropout: config.dropout,
        seed,
      });
    },
  },
  loha: dense(({ layer, rank, alpha, seed }) => new LohaAdapter(layer, { rank, alpha, seed })),
  adalora: dense(({ layer, rank, alpha, seed }) => new AdaloraAdapter(layer, { rank, alpha, seed })),
  lokr: dense(
    ({ layer, config, rank, alpha, seed }) =>
      new LokrAdapter(layer, {
        rank,
        alpha,
        decomposeBoth: config.lokrDecomposeBoth,
        decomposeFactor: config.lokrDecomposeFactor,
        seed,
      }),
    never,
  ),
  vera: {
    ...dense(
      ({ layer, config, rank, shared }) =>
        new VeraAdapter(layer, {
          rank,
          dInitial: config.veraDInitial,
          projections: shared as VeraProjections | undefined,
        }),
      never,
    ),
    // One pair of projections for the model, sized for its largest adapted Linear layer (as peft).
    prepare: (targets, config) => {
      const shapes = targets.flatMap(([, l]) =>
        l instanceof Linear ? [[l.outFeatures, l.inFeatures] as [number, number]] : [],
      );
      return shapes.length > 0
        ? VeraProjections.forLayers(config.rank ?? 8, shapes, config.projectionPrngKey ?? 0)
        : undefined;
    },
  },
  'peft-ia3': dense(
    ({ layer, config, path }) =>
      new PeftIa3Adapter(
        layer,
        (config.feedforwardModules ?? []).some((f) => suffixMatch(path, f)),
      ),
    never,
  ),
};
