import { Component, type ReactNode } from 'react';

export interface SceneErrorBoundaryProps {
  /** Called once when the 3D view fails to start or crashes. */
  onError: (reason: string) => void;
  children: ReactNode;
}

/** Catches a 3D scene that cannot start (no WebGL context, a failed chunk load) so the cards take over. */
export class SceneErrorBoundary extends Component<SceneErrorBoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    this.props.onError(
      `3D view failed (${error instanceof Error ? error.message : String(error)})`,
    );
  }

  override render(): ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}
