import { requireBinary } from '@fleet/testing';
import { type Browser, chromium } from 'playwright-core';

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium with software WebGL (SwiftShader), or with WebGL switched off. */
export async function launchChromium(webgl: boolean): Promise<Browser> {
  const executablePath = requireBinary('chromium', 'chromium');
  return chromium.launch({
    executablePath,
    args: [
      ...BASE_ARGS,
      ...(webgl
        ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist']
        : ['--disable-webgl', '--disable-3d-apis']),
    ],
  });
}
