import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

/**
 * Logical subjects the event stream stores: one `equihome.<entity>.>` per entity of
 * `eventSchemas` (fund, portfolio, simulation…). Deliberately NOT `equihome.>` (the domain's
 * STREAM_SUBJECTS): that would also capture the `equihome.rpc.*` request subjects, so the
 * stream would store every request and answer it with a PubAck, racing the real responder
 * (and "no responders" could never be detected).
 */
export function eventStreamSubjects(eventSubjects: readonly string[]): string[] {
  const entities = new Set(eventSubjects.map((s) => s.split('.').slice(0, 2).join('.')));
  return [...entities].sort().map((e) => `${e}.>`);
}

/** Options of `ensureStream`; durations in milliseconds. */
export interface EnsureStreamOptions {
  /** Stream name (default: the connection's stream, `EQUIHOME`). */
  name?: string;
  /** Wire subjects (default: `eventStreamSubjects(eventSchemas)` mapped through the subject prefix). Must not cover `equihome.rpc.>`. */
  subjects?: string[];
  /** Maximum age of a stored event, ms (default 30 days). */
  maxAgeMs?: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped as duplicate, ms (default 2 minutes). */
  duplicateWindowMs?: number;
  /** Replicas (default 1; 3 on a clustered production server). */
  replicas?: number;
  /** `file` (default) or `memory`. */
  storage?: 'file' | 'memory';
}

/** JetStream API error code: "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;

export const DEFAULT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

/**
 * Creates the stream, or updates it when its subjects, max age, duplicate window or replicas
 * differ; does nothing when it already matches. Safe to call from every replica at boot.
 */
export async function ensureStream(jsm: JetStreamManager, options: Required<Pick<EnsureStreamOptions, 'name' | 'subjects'>> & EnsureStreamOptions): Promise<void> {
  const wanted: Partial<StreamConfig> = {
    subjects: options.subjects,
    max_age: nanos(options.maxAgeMs ?? DEFAULT_MAX_AGE_MS),
    duplicate_window: nanos(options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
    num_replicas: options.replicas ?? 1,
  };
  const existing = await streamConfig(jsm, options.name);
  if (existing === null) {
    try {
      await jsm.streams.add({
        ...wanted,
        name: options.name,
        retention: RetentionPolicy.Limits,
        storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
        discard: DiscardPolicy.Old,
      });
      return;
    } catch (err) {
      // Another replica created it between our info and add: fall through to the update check.
      if (!(err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE)) throw err;
    }
  }
  const current = existing ?? (await streamConfig(jsm, options.name));
  if (current !== null && !matches(current, wanted)) {
    await jsm.streams.update(options.name, wanted);
  }
}

async function streamConfig(jsm: JetStreamManager, name: string): Promise<StreamConfig | null> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return null;
    throw err;
  }
}

function matches(current: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  const sameSubjects =
    [...(current.subjects ?? [])].sort().join(' ') === [...(wanted.subjects ?? [])].sort().join(' ');
  return (
    sameSubjects &&
    current.max_age === wanted.max_age &&
    current.duplicate_window === wanted.duplicate_window &&
    current.num_replicas === wanted.num_replicas
  );
}
