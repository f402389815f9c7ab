import '@fleet/panel/element';

// The exporter's URL, from the app's build-time env (the test builds it against a live exporter).
const endpoint = import.meta.env.VITE_FLEET_ENDPOINT ?? 'http://nas:8790/api/agent-office/nodes';

export default function InfraRoute() {
  return <fleet-panel endpoint={endpoint} poll-interval="1" />;
}
