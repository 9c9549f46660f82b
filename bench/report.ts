// Writing benchmark results: one JSON file per benchmark in bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  description: string;
  /** Figures, and whether a target was met. */
  summary: Record<string, number | boolean>;
  [detail: string]: unknown;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function writeResult(result: BenchResult): string {
  const folder = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(folder, { recursive: true });
  const file = `${folder}${result.name}.json`;
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30) };
  writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, ...result }, null, 2)}\n`);
  return file;
}
