// Vitest's asymmetric matchers (expect.stringContaining …) are typed `any`,
// and an `any` placed in an object literal is what the type-aware lint rules
// refuse (no-unsafe-assignment). These wrappers give each matcher the type of
// the value it stands for, so it sits in a typed expectation as that value
// would. They match exactly as the vitest matchers they wrap.
import { expect, type DeeplyAllowMatchers } from 'vitest';

/** A string containing `text`. */
export const textContaining = (text: string): string => expect.stringContaining(text) as string;

/** A string matching `pattern`. */
export const textMatching = (pattern: RegExp | string): string => expect.stringMatching(pattern) as string;

/** Any string. */
export const anyText = (): string => expect.any(String) as string;

/** Any number. */
export const anyNumber = (): number => expect.any(Number) as number;

/** An object with at least these fields (others may be present). */
export const objectWith = <T extends object>(fields: T): T => expect.objectContaining<T>(fields as DeeplyAllowMatchers<T>) as T;

/** An array holding at least these items, in any order. */
export const arrayWith = <T>(items: T[]): T[] => expect.arrayContaining<T>(items as DeeplyAllowMatchers<T>[]) as T[];

/** Any value but null or undefined. */
export const anything = (): unknown => expect.anything() as unknown;
