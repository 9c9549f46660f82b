import { ByteBudgetLru } from '../../../engine/collections/byte-budget-lru.js';

/**
 * How much deployed XML the modeler keeps, in characters (UTF-16 code units: about twice as many bytes in memory).
 * The largest shipped diagram is 43 kB, so this holds some hundred versions: the library's latest ones and those a
 * designer opened (History, Instances, the diff), which have no bound of their own.
 */
const VERSION_XML_BUDGET_CHARS = 4 * 1024 * 1024;

/**
 * The XML of deployed versions, read once per page while it is kept (ApiClient.getVersionXml). Safe to keep because a
 * deployed version never changes: the server stores each deployment that changes a process as a new version number,
 * and GET …/versions/{n}/xml answers the same bytes for as long as it answers. Bounded by a character budget, the
 * least recently used versions leaving first; an XML larger than the whole budget is not kept.
 *
 * Requests for a version already on its way share that request; a failed request is not kept, so the next asks again.
 * `clear()` (a token change) forgets everything, and what a request started before it brings back is not kept: XML
 * one token read is never handed to another.
 */
export class VersionXmlCache {
  /** Kept XML by version, its characters counted as its size. */
  private kept: ByteBudgetLru<string, string>;
  private readonly reading = new Map<string, Promise<string>>();
  /** Counts clear()s: a request started before the last one keeps nothing. */
  private generation = 0;

  constructor(private readonly budgetChars = VERSION_XML_BUDGET_CHARS) {
    this.kept = new ByteBudgetLru(budgetChars);
  }

  /** The XML of `key` version `version`, kept or from `read` (called only when neither kept nor on its way). */
  get(key: string, version: number, read: () => Promise<string>): Promise<string> {
    const id = `${version} ${key}`;
    const xml = this.kept.peek(id);
    if (xml !== undefined) {
      this.kept.set(id, xml, xml.length); // now the most recently used
      return Promise.resolve(xml);
    }
    const pending = this.reading.get(id);
    if (pending) return pending;
    const generation = this.generation;
    const request = read()
      .then((answer) => {
        // an XML larger than the whole budget is not kept (ByteBudgetLru.set)
        if (generation === this.generation) this.kept.set(id, answer, answer.length);
        return answer;
      })
      .finally(() => {
        if (this.reading.get(id) === request) this.reading.delete(id);
      });
    this.reading.set(id, request);
    return request;
  }

  /** Forgets every version, and what requests on their way bring back. */
  clear(): void {
    this.generation += 1;
    this.kept = new ByteBudgetLru(this.budgetChars);
    this.reading.clear();
  }

  /** How many versions are kept, and their characters. */
  get size(): { versions: number; chars: number } {
    return { versions: this.kept.size, chars: this.kept.bytes };
  }
}
