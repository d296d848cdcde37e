// Pure formatting of numbers, durations, sizes and dates for both UI languages.
import type { UiLanguage } from '../../../preload/api-contract.ts';

const locales: Record<UiLanguage, string> = { zh: 'zh-CN', en: 'en-US' };

export function formatCount(n: number, lang: UiLanguage): string {
  return new Intl.NumberFormat(locales[lang]).format(n);
}

export function formatBytes(bytes: number, lang: UiLanguage): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locales[lang], { maximumFractionDigits: digits }).format(value)} ${units[unit] ?? 'B'}`;
}

/** A remaining time, coarse on purpose (an ETA is a guess): "3 min", "2 h 5 min", "40 s". */
export function formatDuration(seconds: number, lang: UiLanguage): string {
  const s = Math.max(0, Math.round(seconds));
  const zh = lang === 'zh';
  if (s < 60) return zh ? `${s} 秒` : `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return zh ? `${minutes} 分钟` : `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (zh) return m === 0 ? `${h} 小时` : `${h} 小时 ${m} 分钟`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function formatDate(ms: number, lang: UiLanguage): string {
  return new Intl.DateTimeFormat(locales[lang], {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(new Date(ms));
}

export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence)}%`;
}

/** The file name part of a relative path. */
export function baseName(relPath: string): string {
  const i = Math.max(relPath.lastIndexOf('/'), relPath.lastIndexOf('\\'));
  return i >= 0 ? relPath.slice(i + 1) : relPath;
}
