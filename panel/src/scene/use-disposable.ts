import { useEffect, useMemo } from 'react';

interface Disposable {
  dispose(): void;
}

/** A GPU resource built from `deps`, disposed when they change or the component unmounts. */
export function useDisposable<T extends Disposable | readonly Disposable[]>(
  create: () => T,
  deps: readonly unknown[],
): T {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `create` depends on.
  const value = useMemo(create, deps);
  useEffect(
    () => () => {
      for (const item of Array.isArray(value) ? value : [value]) (item as Disposable).dispose();
    },
    [value],
  );
  return value;
}
