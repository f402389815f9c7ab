import { BoxGeometry, EdgesGeometry } from 'three';
import type { LayoutBox } from './scene-layout.js';
import { useDisposable } from './use-disposable.js';

export interface HostBoxProps {
  box: LayoutBox;
  name: string;
  /** Body colour. @defaultValue '#0f172a' */
  color?: string;
  /** Outline colour. @defaultValue '#334155' */
  edgeColor?: string;
  /** @defaultValue 0.92 */
  opacity?: number;
}

/** A host or service: a dark box with a lit outline. */
export function HostBox({
  box,
  name,
  color = '#0f172a',
  edgeColor = '#334155',
  opacity = 0.92,
}: HostBoxProps) {
  const [geometry, edges] = useDisposable(() => {
    const body = new BoxGeometry(...box.size);
    return [body, new EdgesGeometry(body)] as const;
  }, [box]);
  return (
    <group name={name} position={box.center as [number, number, number]}>
      <mesh geometry={geometry}>
        <meshLambertMaterial color={color} transparent opacity={opacity} />
      </mesh>
      <lineSegments geometry={edges}>
        <lineBasicMaterial color={edgeColor} toneMapped={false} />
      </lineSegments>
    </group>
  );
}
