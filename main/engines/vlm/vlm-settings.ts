// Settings of the vision-language model engine, validated with zod at the settings boundary.
// Two wire protocols cover the servers users run: the OpenAI-compatible chat-completions API
// (LM Studio, llama.cpp server, vLLM, and hosted endpoints such as DashScope's Qwen-VL) and
// Ollama's own `/api/chat`. The default is Ollama on 127.0.0.1: nothing leaves the machine
// unless the user points the engine elsewhere ([Note: A model server off this machine]).
import { z } from 'zod';
import { httpUrl } from '../http-url.ts';
import { vlmProfile } from './vlm-profile.ts';

export const vlmProtocols = ['ollama', 'openai'] as const;
export type VlmProtocol = (typeof vlmProtocols)[number];

/** Where each protocol's server listens by default (Ollama; LM Studio's OpenAI-compatible API). */
export const defaultVlmEndpoints: Readonly<Record<VlmProtocol, string>> = {
  ollama: 'http://127.0.0.1:11434',
  openai: 'http://127.0.0.1:1234/v1',
};

export const vlmSettingsSchema = z.object({
  protocol: z.enum(vlmProtocols).default('ollama'),
  /**
   * The server's base URL: Ollama's root (`http://127.0.0.1:11434`) or the OpenAI-compatible
   * API root that `/chat/completions` hangs off (`http://127.0.0.1:1234/v1`). Default: the
   * protocol's local default.
   */
  endpoint: httpUrl.transform((value) => value.replace(/\/+$/, '')).optional(),
  /** The vision model's name on that server (`qwen2.5vl:7b`, `llava:13b`, `qwen-vl-max`). */
  model: z.string().trim().min(1).max(200),
  /** Bearer token for servers that want one (hosted endpoints; vLLM/LM Studio when set up so). */
  apiKey: z.string().min(1).optional(),
  /** The language the prompt is written in; the answer always carries zh and en names. */
  language: z.enum(['zh', 'en']).default('en'),
  /** Tags kept at most, highest confidence first. */
  limit: z.number().int().min(1).max(50).default(15),
  /** Tags the model scores below this (0–100) are dropped. */
  threshold: z.number().min(0).max(100).default(50),
  qps: z.number().positive().max(100).default(vlmProfile.callLimits.qps),
  concurrency: z.number().int().min(1).max(8).default(vlmProfile.callLimits.concurrency),
  /**
   * Longest side sent. Vision models tile or downscale large images anyway (Qwen2.5-VL's
   * default budget is about 1 MP); 1024 px keeps the prompt small and the answer quick.
   */
  uploadMaxSide: z.number().int().min(224).max(4096).default(1024),
  /** A vision model on a CPU can take minutes for one image. */
  requestTimeoutMs: z.number().int().min(5000).max(600_000).default(180_000),
});
export type VlmSettingsInput = z.input<typeof vlmSettingsSchema>;
export type VlmSettings = z.output<typeof vlmSettingsSchema>;

export function resolveVlmEndpoint(settings: Pick<VlmSettings, 'protocol' | 'endpoint'>): string {
  return settings.endpoint ?? defaultVlmEndpoints[settings.protocol];
}

// [Note: A model server off this machine]
// The engine exists so that photos can be tagged with an open vocabulary without leaving the
// machine. A base URL whose host is not a loopback address (a LAN box, DashScope) sends every
// photo there: the settings card and `tujian engines` say so, and nothing is sent anywhere
// until the user has set the URL themselves.

/** Whether a base URL's host is this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127(?:\.\d{1,3}){3}$/.test(host)
  );
}

/** The host photos go to when the model server is off this machine, else null. */
export function vlmOffMachineHost(
  settings: Pick<VlmSettings, 'protocol' | 'endpoint'>,
): string | null {
  const url = resolveVlmEndpoint(settings);
  return isLoopbackUrl(url) ? null : new URL(url).host;
}
