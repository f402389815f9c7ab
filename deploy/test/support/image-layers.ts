// What a built image holds, read from `docker save`: the files of every layer, without running it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface LayerFile {
  layer: string;
  /** The layer's diff ID (`sha256:` of its tar), as in `docker image inspect` .RootFS.Layers. */
  layerDigest: string;
  path: string;
  sha256: string;
  content: Buffer;
}

/** The regular files of an uncompressed tar archive (ustar, with GNU/pax long names). */
export function tarFiles(archive: Buffer): { path: string; content: Buffer }[] {
  const files: { path: string; content: Buffer }[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = (longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))).replace(
      /^\.\//,
      '',
    );
    const content = archive.subarray(offset + 512, offset + 512 + size);
    longName = undefined;
    if (type === 'L') longName = content.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/.exec(content.toString('utf8'))?.[1];
      if (path) longName = path;
    } else if (type === '0' || type === '7') files.push({ path: name, content });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Every file of every layer of a `docker save` archive (Docker's own layout: <id>/layer.tar). */
export function imageLayerFiles(savedArchive: string): LayerFile[] {
  const outer = tarFiles(readFileSync(savedArchive));
  const result: LayerFile[] = [];
  for (const entry of outer) {
    if (!entry.path.endsWith('layer.tar') && !entry.path.startsWith('blobs/')) continue;
    // blobs/ (OCI layout) also holds configs and manifests: only tars have a ustar magic.
    if (entry.content.subarray(257, 262).toString() !== 'ustar') continue;
    const layerDigest = `sha256:${createHash('sha256').update(entry.content).digest('hex')}`;
    for (const file of tarFiles(entry.content)) {
      result.push({
        layer: entry.path,
        layerDigest,
        path: file.path,
        sha256: createHash('sha256').update(file.content).digest('hex'),
        content: file.content,
      });
    }
  }
  return result;
}

/** The PEM certificates of a bundle, each as its base64 body on one line. */
export function pemBodies(bundle: string): string[] {
  return [
    ...bundle.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g),
  ].map((match) => (match[1] ?? '').replace(/\s+/g, ''));
}
