// Reading a Prometheus text answer in tests.

/** The value of one sample (its name and labels exactly as the answer writes them), or undefined when absent. */
export function sampleValue(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((each) => each.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}
