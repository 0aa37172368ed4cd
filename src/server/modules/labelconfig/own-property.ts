/**
 * Sets a key as an own property even when it is "__proto__": names, labels and data keys come from
 * user-written configs, and plain assignment of that key would swap the object's prototype instead.
 */
export function putOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function copyOwn(source: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) putOwn(out, k, v);
  return out;
}
