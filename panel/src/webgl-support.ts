/** Whether this browser can give the 3D scene a WebGL context (it may be disabled or blocklisted). */
export function webglAvailable(): boolean {
  try {
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (!context) return false;
    // Hand the context back at once: browsers cap how many may be alive.
    context.getExtension('WEBGL_lose_context')?.loseContext();
    return true;
  } catch {
    return false;
  }
}

/** Small touch screens get the cards first; the 3D view stays one toggle away. */
export function prefersCards(): boolean {
  return (
    typeof matchMedia === 'function' &&
    matchMedia('(max-width: 700px), (pointer: coarse) and (max-width: 1024px)').matches
  );
}
