// vitest globalSetup: a Docker engine for the deploy test (deploy/dockerd.sh starts one only
// when none answers, and the teardown stops only that one).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(import.meta.dirname, '..', '..', 'dockerd.sh');

export default function setup(): () => void {
  execFileSync(script, ['start'], { stdio: 'inherit' });
  return () => {
    execFileSync(script, ['stop'], { stdio: 'inherit' });
  };
}
