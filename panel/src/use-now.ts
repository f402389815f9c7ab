import { useEffect, useState } from 'react';

/** The browser clock, refreshed every `intervalMs`, for texts like "last beat 12s ago". */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
